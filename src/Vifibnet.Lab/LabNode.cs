namespace Vifibnet.Lab;

/// <summary>
/// One node host of a <see cref="DemoTopology"/>: its number (1..N), namespace short name, the
/// address on its own eth0, and, behind NAT, the gateway's namespace and addresses.
/// </summary>
/// <param name="Number">1..N.</param>
/// <param name="Name">Short namespace name, e.g. "n3" (the lab adds its prefix).</param>
/// <param name="Address">The node's underlay IPv4 address (on the internet bridge, or on its LAN behind NAT).</param>
/// <param name="Gateway">Short namespace name of its NAT gateway, or null for a node on the internet.</param>
/// <param name="GatewayWan">The gateway's internet address: what the rest of the internet sees of this node.</param>
/// <param name="GatewayLan">The gateway's LAN address: the node's default route.</param>
public sealed record LabNode(int Number, string Name, string Address, string? Gateway = null, string? GatewayWan = null, string? GatewayLan = null)
{
    public bool BehindNat => Gateway is not null;

    /// <summary>What the internet sees: the node's address, or its gateway's.</summary>
    public string PublicAddress => GatewayWan ?? Address;
}
