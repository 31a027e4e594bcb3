namespace Vifibnet.Peers;

/// <summary>One row of the peers table with its state.</summary>
/// <param name="Prefix">The peer's node prefix in binary.</param>
/// <param name="Address">Where its servers listen: "ip,port,proto;...".</param>
/// <param name="State">Unused, used, flagged or blacklisted.</param>
/// <param name="Date">When the registry (or bootstrap) last told us about it.</param>
public sealed record PeerRecord(string Prefix, string Address, PeerState State, DateTimeOffset Date);
