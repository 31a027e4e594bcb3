using Vifibnet.Addressing;

namespace Vifibnet.Nat;

/// <summary>
/// Makes the node's openvpn servers reachable through the LAN's gateway. The daemon calls
/// <see cref="RunAsync"/> (or Start/Refresh/Stop itself) and advertises <see cref="NatStatus.PublicAddresses"/>.
/// No method throws for gateway trouble: it is logged and shows in <see cref="Status"/>.
/// </summary>
public interface IPortForwarder
{
    /// <summary>The current state, mappings and last error; safe to read from any thread.</summary>
    NatStatus Status { get; }

    /// <summary>Raised after start or a refresh when the advertised addresses changed (new port, new external IP, gateway lost or found).</summary>
    event Action<IReadOnlyList<PeerAddress>>? PublicAddressesChanged;

    /// <summary>Finds the gateway and maps every port; returns the addresses to advertise (empty: fall back, as with no gateway).</summary>
    Task<IReadOnlyList<PeerAddress>> StartAsync(CancellationToken cancel);

    /// <summary>Renews the mappings (or searches again for a gateway that was missing); returns the addresses to advertise.</summary>
    Task<IReadOnlyList<PeerAddress>> RefreshAsync(CancellationToken cancel);

    /// <summary>Deletes the mappings made.</summary>
    Task StopAsync(CancellationToken cancel);

    /// <summary>Start, refresh well before leases lapse, and on cancellation delete the mappings; returns when cancelled.</summary>
    Task RunAsync(CancellationToken cancel);
}
