namespace Vifibnet.Nat;

/// <summary>A gateway's WAN connection service: its type (e.g. WANIPConnection:2) and the absolute control URL SOAP goes to.</summary>
public sealed record IgdService(string ServiceType, Uri ControlUrl, Uri DescriptionUrl, string FriendlyName)
{
    public override string ToString() => $"{ServiceType} at {ControlUrl} ('{FriendlyName}')";
}
