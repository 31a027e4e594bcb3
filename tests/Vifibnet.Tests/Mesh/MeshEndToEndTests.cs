using System.Diagnostics;
using System.Security.Cryptography;
using Vifibnet.Lab;
using Vifibnet.Node;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Mesh;

/// <summary>
/// End to end, as root: an 8-node mesh (two nodes behind NAT) with its registry, every part real
/// (the `vifibnet` CLI, openvpn, babeld, nft masquerade, namespaces), hello 4 s. Each test builds
/// its own mesh and checks, when it ends, that nothing of it is left.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class MeshEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EightNodesIncludingNattedOnesAllAnswerOverTheOverlay()
    {
        await using var bed = await MeshTestBed.StartAsync(output);
        await bed.RunAsync(async () =>
        {
            var mesh = bed.Mesh;
            Assert.Equal(8, mesh.Nodes.Select(n => n.Prefix).Distinct().Count());
            var natted = mesh.Nodes.Where(n => n.Host.BehindNat).ToList();
            Assert.Equal(2, natted.Count);
            foreach (var n in natted)
            {
                // Nobody can reach a NATed node's server: all its tunnels are its own client tunnels.
                var tunnels = await ControlClient.GetTunnelsAsync(n.Directory);
                Assert.DoesNotContain(tunnels, t => t.Direction == "server" && t.State == "up");
                Assert.Contains(tunnels, t => t.Direction == "client" && t.State == "up");
            }
            // The two NATed nodes have no tunnel to each other, yet answer: their route goes through a third node. Right
            // after convergence babel may still be moving that route (new tunnels' taps are bounced to hurry babel's
            // handshake, which flushes the routes on them for a second): the route is looked at until it is installed.
            var (a, b) = (natted[0], natted[1]);
            string? device = null, via = null;
            await MeshProbe.Until(async () =>
            {
                device = await MeshProbe.RouteDeviceAsync(a, b, CancellationToken.None);
                via = (await ControlClient.GetTunnelsAsync(a.Directory)).FirstOrDefault(t => t.Interface == device)?.Peer;
                return via is not null;
            }, TimeSpan.FromSeconds(15), () => $"{a.Label} to have a babel route to {b.Label} over one of its tunnels (last seen: device {device ?? "none"})");
            Assert.NotEqual(b.Prefix, via);
            Assert.Contains(via, mesh.Nodes.Where(n => !n.Host.BehindNat).Select(n => n.Prefix));
            // Any of three echo requests answered: the pair is reachable (a loss-free path is not what this asserts).
            Assert.Equal(0, mesh.Lab.TryExec(a.Namespace, "ping", "-6", "-c", "3", "-i", "0.5", "-W", "2", b.Address.ToString()).ExitCode);
        });
    }

    [Fact]
    public async Task ANodeThatFoundNoPeerAtItsStartAsksTheRegistryAgainWithinSecondsNotAtItsNextRefresh()
    {
        // A NATed node (it can only open tunnels, nobody can reach it) started alone: the registry knows no address yet.
        const int refresh = 60;
        MeshNode? loner = null;
        await using var bed = await MeshTestBed.StartAsync(output, nodes: 4, configure: o => o with { PeersDbRefresh = refresh }, start: async mesh =>
        {
            loner = mesh.Nodes.First(n => n.Host.BehindNat);
            mesh.StartNode(loner);
            await MeshProbe.Until(() => Task.FromResult(LogOf(loner).Contains("peer DB refreshed: 0 peers from the registry, 0 new, 0 known", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), $"{loner.Label} to find no peer at its start");
            foreach (var n in mesh.Nodes.Where(n => n != loner)) mesh.StartNode(n);
        });
        // It asked again after 2 s, 4 s, ...: not after --peers-db-refresh (60 s), as it did.
        Assert.True(bed.Converged < TimeSpan.FromSeconds(refresh / 2),
            $"all pairs answered {bed.Converged.TotalSeconds:0.0} s after {loner!.Label} started alone: it waited for its refresh ({refresh} s)");
        Assert.Contains("no peer known yet: asking the registry again in 2 s", LogOf(loner));
        static string LogOf(MeshNode node) => Path.Combine(node.Directory, "vifibnet.log") is var log && File.Exists(log) ? File.ReadAllText(log) : "";
    }

    [Fact]
    public async Task ACutPathInUseIsRoutedAround()
    {
        await using var bed = await MeshTestBed.StartAsync(output);
        await bed.RunAsync(async () =>
        {
            var cut = await MeshScenario.CutPathInUseAsync(bed.Mesh, CancellationToken.None);
            output.WriteLine(cut.ToString());
            var sw = Stopwatch.StartNew();
            var t = await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, MeshTestBed.HealTimeout, CancellationToken.None);
            output.WriteLine($"all pairs answer again {t.TotalSeconds:0.0} s after the cut");
            // The path stays cut: the traffic now goes another way (another tunnel, or a new tunnel on the device).
            Assert.Equal(0, bed.Mesh.Lab.TryExec(cut.From.Namespace, "ping", "-6", "-c", "1", "-W", "2", cut.To.Address.ToString()).ExitCode);
            // babel can reroute (about 4 hellos) a moment before openvpn gives the silent tunnel up (ping-exit,
            // exactly 4 hellos): wait for that, with a deadline, rather than look once.
            await MeshProbe.Until(async () => !(await ControlClient.GetTunnelsAsync(cut.From.Directory))
                    .Any(t => t.Peer == cut.Via.Prefix && t.Direction == "client" && t.State == "up"),
                TimeSpan.FromSeconds(4 * MeshTestBed.Hello + 10), $"{cut.From.Label} to drop its client tunnel to {cut.Via.Label} over the cut path");
            Assert.NotEqual(0, bed.Mesh.Lab.TryExec(cut.From.Namespace, "ping", "-c", "1", "-W", "1", cut.Via.Host.PublicAddress).ExitCode);
        });
    }

    [Fact]
    public async Task AStoppedNodeIsDroppedAndRejoinsWhenRestarted()
    {
        await using var bed = await MeshTestBed.StartAsync(output);
        await bed.RunAsync(async () =>
        {
            var mesh = bed.Mesh;
            var node = MeshScenario.PickNodeToStop(mesh, bed.Watcher.Last, mesh.Nodes[0]);
            var certificate = SHA256.HashData(File.ReadAllBytes(Path.Combine(node.Directory, "cert.crt")));
            await mesh.StopNodeAsync(node);
            Assert.Equal(0, await node.Process!.Exited);
            // A clean stop leaves nothing running and no tap device in the node's namespace.
            Assert.Empty(NetworkLab.Pids(node.Namespace));
            Assert.DoesNotContain("vifib-", mesh.Lab.Exec(node.Namespace, "ip", "-o", "link", "show"));

            var sw = Stopwatch.StartNew();
            var left = await bed.Watcher.WaitForAllPairsAsync(bed.Running, sw, MeshTestBed.HealTimeout, CancellationToken.None,
                s => MeshScenario.NobodyTunnelsTo(s, node), $"the others without {node.Label}");
            output.WriteLine($"{node.Label} stopped: no tunnel to it and the others all answer after {left.TotalSeconds:0.0} s");

            sw.Restart();
            mesh.StartNode(node);
            var back = await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, MeshTestBed.HealTimeout, CancellationToken.None);
            output.WriteLine($"{node.Label} rejoined {back.TotalSeconds:0.0} s after its restart");
            Assert.Equal(certificate, SHA256.HashData(File.ReadAllBytes(Path.Combine(node.Directory, "cert.crt"))));
            Assert.Contains(await ControlClient.GetTunnelsAsync(node.Directory), t => t.State == "up");
        });
    }

    [Fact]
    public async Task TheMeshOutlivesItsRegistryAndANodeRejoinsFromItsPeerDb()
    {
        await using var bed = await MeshTestBed.StartAsync(output);
        await bed.RunAsync(async () =>
        {
            var mesh = bed.Mesh;
            var node = MeshScenario.PickNodeToStop(mesh, bed.Watcher.Last, mesh.Nodes[0]);
            var update = await ControlClient.UpdatePeersAsync(node.Directory);
            Assert.True(update.Total >= mesh.Nodes.Count / 2, $"{node.Label} knows only {update.Total} peers");

            await mesh.StopRegistryAsync();
            Assert.False(mesh.RegistryRunning);
            var sw = Stopwatch.StartNew();
            // Without the registry, the mesh keeps answering (give babel a few hellos to show otherwise).
            await Task.Delay(TimeSpan.FromSeconds(3 * MeshTestBed.Hello));
            await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, TimeSpan.FromSeconds(30), CancellationToken.None);
            var failed = await Assert.ThrowsAsync<NodeDaemonException>(() => ControlClient.UpdatePeersAsync(node.Directory));
            Assert.Contains("unreachable", failed.Message);

            await mesh.StopNodeAsync(node);
            sw.Restart();
            mesh.StartNode(node);
            var back = await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, MeshTestBed.HealTimeout, CancellationToken.None);
            output.WriteLine($"{node.Label} restarted without a registry and rejoined from its peer DB in {back.TotalSeconds:0.0} s");
            Assert.Contains("registry unreachable", File.ReadAllText(Path.Combine(node.Directory, "vifibnet.log")));
        });
    }
}
