namespace Vifibnet.Peers;

/// <summary>Where a peer stands in a node's peer DB.</summary>
public enum PeerState
{
    /// <summary>Known and free: a candidate for a new client tunnel.</summary>
    Unused,

    /// <summary>We hold a client tunnel to it.</summary>
    Used,

    /// <summary>Its tunnel died; not tried again until the flag expires.</summary>
    Flagged,

    /// <summary>Never tunnelled to (for example, seen on a LAN interface, or ourselves).</summary>
    Blacklisted,
}

/// <summary>One row of the peers table with its state.</summary>
/// <param name="Prefix">The peer's node prefix in binary.</param>
/// <param name="Address">Where its servers listen: "ip,port,proto;...".</param>
/// <param name="State">Unused, used, flagged or blacklisted.</param>
/// <param name="Date">When the registry (or bootstrap) last told us about it.</param>
public sealed record PeerRecord(string Prefix, string Address, PeerState State, DateTimeOffset Date);
