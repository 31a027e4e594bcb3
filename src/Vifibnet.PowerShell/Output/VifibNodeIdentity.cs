using Vifibnet.Certificates;

namespace Vifibnet.PowerShell;

/// <summary>Who a node is, read from its ca.pem and cert.crt (Get-VifibNodeIdentity).</summary>
public sealed class VifibNodeIdentity
{
    public required string Network { get; init; }
    /// <summary>The node prefix in binary, e.g. 0000000000000001.</summary>
    public required string Prefix { get; init; }
    /// <summary>The node prefix as its certificate CN, "value/length".</summary>
    public required string CommonName { get; init; }
    public required string Subnet { get; init; }
    public required string OverlayAddress { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public required string Path { get; init; }

    internal static VifibNodeIdentity From(NodeIdentity i, string directory) => new()
    {
        Network = i.Network.ToString(), Prefix = i.Prefix.ToBinary(), CommonName = i.Prefix.ToCommonName(), Subnet = i.Subnet.ToString(),
        OverlayAddress = i.Address.ToString(), NotAfter = i.NotAfter, Path = directory,
    };
}
