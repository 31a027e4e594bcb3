namespace Vifibnet.Lab;

/// <summary>Which IP families the lab's internet carries (see <see cref="DemoTopology"/>).</summary>
public enum Underlay
{
    /// <summary>198.51.100.0/24 only; a quarter of the nodes behind NAT.</summary>
    IPv4,
    /// <summary>2001:db8::/64 only: every node and the registry IPv6-only, no NAT.</summary>
    IPv6,
    /// <summary>Both: the registry dual-stack; nodes on the internet in turn dual, IPv4-only, IPv6-only; the NATed ones IPv4.</summary>
    Mixed,
}
