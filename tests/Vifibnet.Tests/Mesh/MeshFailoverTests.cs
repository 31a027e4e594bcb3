using System.Diagnostics;
using Vifibnet.Configuration;
using Vifibnet.Lab;
using Vifibnet.Node;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Mesh;

/// <summary>
/// Failover independent of the hello interval (issue 14), end to end as root with every part real:
/// openvpn's per-tunnel liveness (--tunnel-timeout) gives a silently cut tunnel up after the timeout
/// at any hello, and a lossy but live underlay tears nothing down. Generous bounds: these assert the
/// behaviour, bench/mesh measures it (including how long the mesh takes to heal).
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class MeshFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AtHello15ASilentlyCutTunnelIsGivenUpAfterTheTunnelTimeoutNotAfterFourHellos()
    {
        const int hello = 15;
        await using var bed = await MeshTestBed.StartAsync(output, nodes: 6, hello: hello);
        await bed.RunAsync(async () =>
        {
            var before = LossyRun.InactivityTimeouts(bed.Mesh);
            var cut = await MeshScenario.CutPathInUseAsync(bed.Mesh, CancellationToken.None);
            output.WriteLine(cut.ToString());
            var sw = Stopwatch.StartNew();
            // The seed's openvpn gave a silent tunnel up after 4 hellos (60 s); now the tunnel timeout (10 s)
            // plus a daemon tick, whatever the hello.
            await MeshProbe.Until(async () => !(await ControlClient.GetTunnelsAsync(cut.From.Directory))
                    .Any(t => t.Peer == cut.Via.Prefix && t.Direction == "client" && t.State == "up"),
                TimeSpan.FromSeconds(NodeOptions.DefaultTunnelTimeout + 10), $"{cut.From.Label} to give its tunnel to {cut.Via.Label} up");
            output.WriteLine($"{cut.From.Label} gave the cut tunnel up {sw.Elapsed.TotalSeconds:0.0} s after the cut (hello {hello} s)");
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2 * hello));
            // Both ends: the client's ping-exit and the server's ping-restart for that client.
            await MeshProbe.Until(() => Task.FromResult(LossyRun.InactivityTimeouts(bed.Mesh) - before >= 2),
                TimeSpan.FromSeconds(10), "openvpn's inactivity timeouts on both ends of the cut tunnel");
            Assert.NotEqual(0, bed.Mesh.Lab.TryExec(cut.From.Namespace, "ping", "-c", "1", "-W", "1", cut.Via.Host.PublicAddress).ExitCode);
        });
    }

    [Fact]
    public async Task AtHello15ASilentCutHealsWithinSecondsThroughTheTunnelProbesBeforeOpenvpnGivesUp()
    {
        const int hello = 15;
        await using var bed = await MeshTestBed.StartAsync(output, nodes: 6, hello: hello);
        await bed.RunAsync(async () =>
        {
            // At rest: every tunnel's babel handshake (two hellos) done, so the cut node has another way out.
            await Task.Delay(TimeSpan.FromSeconds(2 * hello));
            var before = LossyRun.InactivityTimeouts(bed.Mesh);
            var cut = await MeshScenario.CutPathInUseAsync(bed.Mesh, CancellationToken.None);
            output.WriteLine(cut.ToString());
            var sw = Stopwatch.StartNew();
            // babel alone needs 2.7 hellos (40 s); the probes suspect the neighbour after 1.5 s and reroute at once (bench/mesh
            // measures how long the rest takes; 12 s here for a loaded machine, a third of babel's own time).
            var healed = await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, TimeSpan.FromSeconds(12), CancellationToken.None);
            output.WriteLine($"all pairs again {healed.TotalSeconds:0.0} s after the cut (hello {hello} s); openvpn inactivity timeouts meanwhile: {LossyRun.InactivityTimeouts(bed.Mesh) - before}");
            var log = File.ReadAllText(Path.Combine(cut.From.Directory, "vifibnet.log"));
            Assert.Contains($"peer {cut.Via.Prefix} on {cut.Device}", log);
            Assert.Contains("answers no probe: bridging", log);
        });
    }

    [Fact]
    public async Task ALossyButLiveUnderlayTearsNoTunnelDown()
    {
        await using var bed = await MeshTestBed.StartAsync(output, nodes: 6);
        await bed.RunAsync(async () =>
        {
            var before = LossyRun.InactivityTimeouts(bed.Mesh);
            var run = await LossyRun.RunAsync(bed.Mesh, 20, TimeSpan.FromSeconds(60), 5, CancellationToken.None);
            output.WriteLine(run.ToString());
            Assert.Equal(0, run.TunnelsTornDown);
            Assert.True(run.Rounds >= 5, $"only {run.Rounds} probe rounds");
            // What this test guards is "nothing torn down" (above). The share answered is the bench's figure (target
            // 99 %); full runs here measured 91.2-99.2 %, one of them on a quiet machine, so the bound only catches a
            // mesh that stops carrying traffic under loss.
            Assert.True(run.AnsweredShare >= 0.85, run.ToString());
            // And the loss is gone again: every pair answers a single ping.
            await bed.Watcher.WaitForAllPairsAsync(bed.All, Stopwatch.StartNew(), MeshTestBed.HealTimeout, CancellationToken.None);
            Assert.Equal(before, LossyRun.InactivityTimeouts(bed.Mesh));
        });
    }
}
