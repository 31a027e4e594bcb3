namespace Vifibnet.Peers;

/// <summary>
/// A peer as a node knows it: its node prefix in binary and where its openvpn servers listen
/// ("ip,port,proto;..."). The node's own type, filled from the registry's wire records
/// (Protocol's PeerEntry) where the two meet: the peer updater and setup.
/// </summary>
public sealed record Peer(string Prefix, string Address);
