namespace Vifibnet.Tunnels;

/// <summary>One tunnel of a running node, as `vifibnet tunnels` and Get-VifibTunnel show it.</summary>
/// <param name="Peer">The peer's node prefix (binary).</param>
/// <param name="Interface">The tap device (a server's device is shared by all its clients).</param>
/// <param name="Direction">"client" (we opened it) or "server" (the peer connected to us).</param>
/// <param name="Remote">The peer's underlay address (ip:port, or the addresses we try).</param>
/// <param name="State">"connecting", "up" or "dead".</param>
/// <param name="Since">When the tunnel was opened or the peer connected.</param>
/// <param name="Routes">Babel routes currently through this tunnel's interface.</param>
/// <param name="RxBytes">Bytes received.</param>
/// <param name="TxBytes">Bytes sent.</param>
public sealed record TunnelInfo(string Peer, string Interface, string Direction, string Remote, string State,
    DateTimeOffset Since, int Routes, long RxBytes, long TxBytes);
