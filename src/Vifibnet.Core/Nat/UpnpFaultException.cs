namespace Vifibnet.Nat;

/// <summary>The gateway answered a SOAP action with a fault; <see cref="ErrorCode"/> is the UPnP error code (e.g. 718).</summary>
public sealed class UpnpFaultException(string action, Uri controlUrl, int errorCode, string errorDescription)
    : NatException($"gateway {controlUrl} refused {action}: UPnP error {errorCode} {errorDescription}".TrimEnd())
{
    public string Action { get; } = action;
    public Uri ControlUrl { get; } = controlUrl;
    public int ErrorCode { get; } = errorCode;
    public string ErrorDescription { get; } = errorDescription;
}
