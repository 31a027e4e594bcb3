using System.Net;
using Vifibnet.Addressing;

namespace Vifibnet.Nat;

/// <summary>One forwarded --pp pair: the gateway's mapping and the address advertised for it.</summary>
public sealed record NatMapping(ForwardedPort Port, PortMapping Mapping, PeerAddress Advertised, DateTimeOffset Renewed)
{
    /// <summary>When the gateway drops the mapping unless renewed; null for a permanent lease.</summary>
    public DateTimeOffset? Expires => Mapping.LeaseDuration == TimeSpan.Zero ? null : Renewed + Mapping.LeaseDuration;
}

/// <summary>
/// What port forwarding looks like now: the gateway, our external and LAN addresses, the
/// mappings, the last refresh and the last error. Immutable: a running forwarder swaps in a new one.
/// </summary>
public sealed record NatStatus(
    NatState State,
    Uri? Gateway,
    string? ServiceType,
    IPAddress? ExternalAddress,
    IPAddress? LanAddress,
    IReadOnlyList<NatMapping> Mappings,
    DateTimeOffset? LastRefresh,
    string? Error)
{
    public static NatStatus Disabled { get; } = new(NatState.Disabled, null, null, null, null, [], null, null);
    public static NatStatus Idle { get; } = new(NatState.Idle, null, null, null, null, [], null, null);

    /// <summary>The addresses to advertise to the registry ("ip,port,proto" each).</summary>
    public IReadOnlyList<PeerAddress> PublicAddresses => Mappings.Select(m => m.Advertised).ToList();
}
