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
