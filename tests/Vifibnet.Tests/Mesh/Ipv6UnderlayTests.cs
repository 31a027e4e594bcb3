using Vifibnet.Lab;
using Vifibnet.Node;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Mesh;

/// <summary>
/// End to end, as root: meshes whose internet is IPv6-only (2001:db8::/64, no IPv4 anywhere) and
/// mixed (dual-stack, IPv4-only, IPv6-only and NATed IPv4 nodes): openvpn over IPv6 (`--pp 1194
/// udp6`, `--ip 2001:db8::N 1194 udp`), IPv6 addresses declared to and handed out by the registry,
/// and every pair answering over the overlay.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class Ipv6UnderlayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AMeshOnAnIpv6OnlyInternetAnswersEveryPair()
    {
        await using var bed = await MeshTestBed.StartAsync(output, nodes: 6, underlay: Underlay.IPv6);
        await bed.RunAsync(async () =>
        {
            var mesh = bed.Mesh;
            // No IPv4 on any node: the tunnels can only run over IPv6.
            foreach (var n in mesh.Nodes)
                Assert.DoesNotContain("inet ", mesh.Lab.Exec(n.Namespace, "ip", "-o", "addr", "show", "dev", "eth0"));
            foreach (var n in mesh.Nodes)
            {
                var status = await ControlClient.GetStatusAsync(n.Directory);
                Assert.Equal($"{n.Host.Address},1194,udp", status.AdvertisedAddress);
                Assert.NotNull(status.LastRegistryContact);
                var tunnels = await ControlClient.GetTunnelsAsync(n.Directory);
                Assert.All(tunnels.Where(t => t.Direction == "client"), t => Assert.StartsWith("2001:db8::", t.Remote));
            }
        });
    }

    [Fact]
    public async Task AMixedMeshOfDualIpv4OnlyIpv6OnlyAndNattedNodesAnswersEveryPair()
    {
        await using var bed = await MeshTestBed.StartAsync(output, nodes: 8, underlay: Underlay.Mixed);
        await bed.RunAsync(async () =>
        {
            var mesh = bed.Mesh;
            Assert.Equal(["dual", "IPv4", "IPv6", "dual", "IPv4", "IPv6", "IPv4", "IPv4"], mesh.Nodes.Select(n => n.Host.Stack));
            foreach (var n in mesh.Nodes)
            {
                var status = await ControlClient.GetStatusAsync(n.Directory);
                output.WriteLine($"{n.Label} {n.Host.Stack,-4} advertises {status.AdvertisedAddress}");
                if (n.Host.Stack == "dual") Assert.Equal($"{n.Host.Address},1194,udp;{n.Host.Address6},1194,udp", status.AdvertisedAddress);
                // A client tunnel only ever runs to a peer in a family this node has.
                foreach (var t in (await ControlClient.GetTunnelsAsync(n.Directory)).Where(t => t.Direction == "client" && t.State == "up"))
                {
                    var peer = mesh.Nodes.Single(p => p.Prefix == t.Peer);
                    Assert.True(DemoTopology.CanTunnel(n.Host, peer.Host), $"{n.Label} ({n.Host.Stack}) has a tunnel up to {peer.Label} ({peer.Host.Stack})");
                }
            }
            // An IPv6-only node and a NATed IPv4 node share no family, yet answer each other through the mesh.
            var (v6Only, natted) = (mesh.Nodes.First(n => n.Host.Stack == "IPv6"), mesh.Nodes.First(n => n.Host.BehindNat));
            Assert.Equal(0, mesh.Lab.TryExec(v6Only.Namespace, "ping", "-6", "-c", "1", "-W", "2", natted.Address.ToString()).ExitCode);
        });
    }
}
