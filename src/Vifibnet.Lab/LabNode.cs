namespace Vifibnet.Lab;

/// <summary>
/// One node host of a <see cref="DemoTopology"/>: its number (1..N), namespace short name, the
/// address on its own eth0, and, behind NAT, the gateway's namespace and addresses.
/// </summary>
/// <param name="Number">1..N.</param>
/// <param name="Name">Short namespace name, e.g. "n3" (the lab adds its prefix).</param>
/// <param name="Address">The node's first underlay address: IPv4 (on the internet bridge, or on its LAN behind NAT), or IPv6 for an IPv6-only node.</param>
/// <param name="Gateway">Short namespace name of its NAT gateway, or null for a node on the internet.</param>
/// <param name="GatewayWan">The gateway's internet address: what the rest of the internet sees of this node.</param>
/// <param name="GatewayLan">The gateway's LAN address: the node's default route.</param>
/// <param name="Address6">A dual-stack node's IPv6 address (beside its IPv4 <paramref name="Address"/>), else null.</param>
public sealed record LabNode(int Number, string Name, string Address, string? Gateway = null, string? GatewayWan = null, string? GatewayLan = null,
    string? Address6 = null)
{
    public bool BehindNat => Gateway is not null;

    /// <summary>What the internet sees: the node's address, or its gateway's.</summary>
    public string PublicAddress => GatewayWan ?? Address;

    /// <summary>Every address the internet sees of this node (IPv4 first, then IPv6).</summary>
    public IReadOnlyList<string> PublicAddresses => Address6 is null ? [PublicAddress] : [PublicAddress, Address6];

    public bool HasIPv4 => !Address.Contains(':', StringComparison.Ordinal);

    public bool HasIPv6 => Address6 is not null || !HasIPv4;

    /// <summary>"IPv4", "IPv6" or "dual".</summary>
    public string Stack => HasIPv4 && HasIPv6 ? "dual" : HasIPv6 ? "IPv6" : "IPv4";
}
