using System.Globalization;
using System.Net;

namespace Vifibnet.Nat;

/// <summary>
/// One entry of a gateway's port-mapping table: external port and protocol to an internal client
/// and port. A <see cref="LeaseDuration"/> of zero means permanent.
/// </summary>
public sealed record PortMapping(
    int ExternalPort,
    NatProtocol Protocol,
    IPAddress InternalClient,
    int InternalPort,
    string Description,
    TimeSpan LeaseDuration,
    bool Enabled = true,
    string RemoteHost = "")
{
    /// <summary>UPnP's spelling of the protocol.</summary>
    public static string ToUpnp(NatProtocol protocol) => protocol == NatProtocol.Udp ? "UDP" : "TCP";

    /// <summary>Reads "UDP"/"TCP" (any case), as gateways write them.</summary>
    public static NatProtocol ParseUpnp(string text) => text.Trim().ToUpperInvariant() switch
    {
        "UDP" => NatProtocol.Udp,
        "TCP" => NatProtocol.Tcp,
        _ => throw new NatException($"'{text}' is not a port-mapping protocol (expected UDP or TCP)"),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ToUpnp(Protocol)} {ExternalPort} -> {InternalClient}:{InternalPort} lease {(LeaseDuration == TimeSpan.Zero ? "permanent" : $"{(long)LeaseDuration.TotalSeconds}s")} '{Description}'{(Enabled ? "" : " (disabled)")}");
}
