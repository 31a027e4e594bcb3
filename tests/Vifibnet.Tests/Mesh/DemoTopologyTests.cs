using System.Net;
using Vifibnet.Lab;

namespace Vifibnet.Tests.Mesh;

/// <summary>The demo's internet as data: documentation addresses only, a quarter of the nodes behind NAT, node 1 never.</summary>
public sealed class DemoTopologyTests
{
    static readonly IPNetwork[] Documentation = [IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("2001:db8::/32")];

    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(8, 2)]
    [InlineData(16, 4)]
    [InlineData(60, 15)]
    public void AQuarterOfTheNodesSitBehindNatButNeverTheFirst(int nodes, int natted)
    {
        var topology = DemoTopology.Build(nodes);
        Assert.Equal(nodes, topology.Nodes.Count);
        Assert.Equal(natted, topology.Natted.Count());
        Assert.False(topology[1].BehindNat);
        Assert.Equal(Enumerable.Range(1, nodes), topology.Nodes.Select(n => n.Number));
    }

    [Fact]
    public void EveryAddressIsADistinctDocumentationAddress()
    {
        var topology = DemoTopology.Build(DemoTopology.MaxNodes);
        var addresses = topology.Nodes.SelectMany(n => new[] { n.Address, n.GatewayWan, n.GatewayLan }).OfType<string>()
            .Append(DemoTopology.RegistryAddress).ToList();
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        Assert.All(addresses, a => Assert.Contains(Documentation, net => net.Contains(IPAddress.Parse(a))));
        // A NATed node's LAN is a /30 holding exactly it and its gateway.
        Assert.All(topology.Natted, n =>
            Assert.Equal(IPAddress.Parse(n.GatewayLan!).GetAddressBytes()[3] / 4, IPAddress.Parse(n.Address).GetAddressBytes()[3] / 4));
    }

    [Fact]
    public void NattedNodesCannotTunnelToEachOther()
    {
        var topology = DemoTopology.Build(8);
        var natted = topology.Natted.ToList();
        Assert.False(DemoTopology.CanTunnel(natted[0], natted[1]));
        Assert.True(DemoTopology.CanTunnel(natted[0], topology[1]));
        Assert.Equal(natted[0].GatewayWan, natted[0].PublicAddress);
    }

    [Fact]
    public void AnIPv6OnlyInternetHasNoNatAndOnlyIPv6DocumentationAddresses()
    {
        var topology = DemoTopology.Build(DemoTopology.MaxNodes, underlay: Underlay.IPv6);
        Assert.Empty(topology.Natted);
        Assert.Equal([DemoTopology.RegistryAddress6], topology.RegistryAddresses);
        var addresses = topology.Nodes.Select(n => IPAddress.Parse(n.Address)).ToList();
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
        Assert.All(addresses, a => Assert.True(a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && Documentation.Any(d => d.Contains(a)), $"{a}"));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoTopology.Build(8, natCount: 1, underlay: Underlay.IPv6));
    }

    [Fact]
    public void AMixedInternetHasDualIPv4OnlyAndIPv6OnlyNodesAndTunnelsOnlyWithinAFamily()
    {
        var topology = DemoTopology.Build(8, underlay: Underlay.Mixed);
        Assert.Equal(["dual", "IPv4", "IPv6", "dual", "IPv4", "IPv6", "IPv4", "IPv4"], topology.Nodes.Select(n => n.Stack));
        Assert.Equal(2, topology.RegistryAddresses.Count);
        var (v4, v6, natted) = (topology[2], topology[3], topology[7]);
        Assert.False(DemoTopology.CanTunnel(v4, v6));
        Assert.False(DemoTopology.CanTunnel(v6, v4));
        Assert.False(DemoTopology.CanTunnel(natted, v6));
        Assert.True(DemoTopology.CanTunnel(v6, topology[1]));
        Assert.True(DemoTopology.CanTunnel(natted, topology[1]));
        Assert.Equal(DemoTopology.RegistryAddress6, topology.RegistryAddressFor(v6));
        Assert.Equal(DemoTopology.RegistryAddress, topology.RegistryAddressFor(topology[1]));
        Assert.Equal(["198.51.100.11", "2001:db8::11"], topology[1].PublicAddresses);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(61)]
    public void ASizeOutsideTheRangeIsRefused(int nodes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoTopology.Build(nodes));
}
