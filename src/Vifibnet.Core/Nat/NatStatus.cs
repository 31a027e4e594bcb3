using System.Net;
using Vifibnet.Addressing;

namespace Vifibnet.Nat;

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
