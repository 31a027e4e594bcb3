using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Node;

/// <summary>
/// Three nodes, each the real `vifibnet node` CLI inside its own namespace on a bridge
/// (198.51.100.0/24), with real openvpn and babeld, no registry: peers.db seeded by hand.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class NodeMeshTests(ITestOutputHelper output)
{
    const int Nodes = 3;
    static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ThreeNodesMeshWithOneTunnelPerPairAndNoneToThemselves()
    {
        using var bed = await StartThreeAsync();

        // A node whose peers both connected to its servers opens no client tunnel of its own (it has its two).
        var k = await WaitForOneTunnelPerPairAsync(bed);
        var table = bed.Lab.Exec(bed.Namespace(k), CliProgram.File, [.. CliProgram.Leading, "tunnels", "-s", bed.Dir(k)]);
        output.WriteLine($"node {k}:\n{table}");
        Assert.Contains((await bed.TunnelsAsync(k)).First(t => t.Direction == "client" && t.State == "up").Interface, table);
        Assert.Contains("PEER", table);
    }

    [Fact]
    public async Task AKilledClientTunnelIsNoticedAndOpenedAgain()
    {
        using var bed = await StartThreeAsync();
        var k = await WaitForOneTunnelPerPairAsync(bed);
        var client = (await bed.TunnelsAsync(k)).First(t => t.Direction == "client" && t.State == "up").Interface;

        var pidFile = Path.Combine(bed.Dir(k), "run", $"{client}.pid");
        var oldPid = int.Parse(File.ReadAllText(pidFile).Trim());
        Command.Run("kill", "-KILL", oldPid.ToString());
        var killed = Stopwatch.StartNew();
        await MeshProbe.Until(async () =>
        {
            var t = await bed.TunnelsAsync(k);
            return File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() is var p && p.Length > 0 && p != oldPid.ToString()
                && t.Any(x => x.Direction == "client" && x.State == "up");
        }, TimeSpan.FromSeconds(30), $"node {k} to reopen its killed client tunnel");
        output.WriteLine($"killed client tunnel replaced after {killed.Elapsed.TotalSeconds:0.0} s");

        Assert.Contains("was killed", File.ReadAllText(Path.Combine(bed.Dir(k), "vifibnet.log")));
        await bed.WaitForAllPairsAsync(Nodes, killed, ConvergeTimeout);
    }

    [Fact]
    public async Task ACrashedBabeldAndACrashedServerAreLoggedAndRestarted()
    {
        using var bed = await StartThreeAsync();
        var babelPid = bed.PidIn(2, "babeld.pid");
        var serverPid = bed.PidIn(2, "vifib-s0.pid");

        Command.Run("kill", "-KILL", babelPid.ToString(), serverPid.ToString());

        await MeshProbe.Until(() => Task.FromResult(bed.PidIn(2, "babeld.pid") is var b && b != 0 && b != babelPid
            && bed.PidIn(2, "vifib-s0.pid") is var s && s != 0 && s != serverPid), TimeSpan.FromSeconds(20), "node 2 to restart babeld and its server");
        var log = File.ReadAllText(Path.Combine(bed.Dir(2), "vifibnet.log"));
        Assert.Contains("babeld exited", log);
        Assert.Contains("restarting it", log);
        await bed.WaitForAllPairsAsync(Nodes, Stopwatch.StartNew(), ConvergeTimeout);
    }

    [Fact]
    public async Task TunnelsToAStoppedNodeAreDroppedAndTheOthersStayConnected()
    {
        using var bed = await StartThreeAsync();

        // The others notice their tunnels to it die (ping-exit, 4 hellos), drop them and stay connected.
        await bed.StopAsync(3);

        var gone = Stopwatch.StartNew();
        foreach (var n in new[] { 1, 2 })
            await MeshProbe.Until(async () => !(await bed.TunnelsAsync(n)).Any(t => t.Peer == TestNetwork.PrefixOf(3)),
                TimeSpan.FromSeconds(60), $"node {n} to drop its tunnels to the stopped node 3");
        output.WriteLine($"tunnels to the stopped node dropped after {gone.Elapsed.TotalSeconds:0.0} s");
        await bed.WaitForAllPairsAsync(2, gone, ConvergeTimeout);
        output.WriteLine($"nodes 1 and 2 answer each other again {gone.Elapsed.TotalSeconds:0.0} s after node 3 stopped");
    }

    [Fact]
    public async Task SigtermStopsEveryNodeCleanly()
    {
        using var bed = await StartThreeAsync();

        // Exit code 0, no openvpn/babeld left, no tap device, no overlay address, no control socket.
        for (var n = 1; n <= Nodes; n++)
        {
            await bed.StopAsync(n);
            Assert.DoesNotContain("vifib-", bed.Lab.Exec(bed.Namespace(n), "ip", "-o", "link", "show"));
            Assert.DoesNotContain(TestNetwork.AddressOf(n).ToString(), bed.Lab.Exec(bed.Namespace(n), "ip", "-6", "addr", "show", "dev", "lo"));
            Assert.False(File.Exists(Path.Combine(bed.Dir(n), "vifibnet.sock")));
        }
    }

    [Fact]
    public async Task NodesWithADhFileAndWithWirelessBabelRunAndMesh()
    {
        Requires.Tool("openssl", "openssl");
        using var bed = NodeMeshBed.Create(2, output);
        bed.SeedAll();
        // RFC 7919's ffdhe2048 group: a real DH parameter file, made at once (no prime search).
        var dh = Path.Combine(bed.Dir(1), "dh.pem");
        Command.Run("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", dh);
        string[][] extra = [[], ["--dh", dh], ["-w"]];
        var started = Stopwatch.StartNew();
        for (var n = 1; n <= 2; n++)
            bed.Start(n, ["-v", "2", "--hello", "4", "--pp", "1194", "udp", "--connection-count", "2", .. extra[n]]);

        await bed.WaitForAllPairsAsync(2, started, ConvergeTimeout);
        output.WriteLine($"both pairs answer after {started.Elapsed.TotalSeconds:0.0} s");

        // The options reached the children: node 1's server loaded the DH file, node 2's babeld runs with -w.
        Assert.Contains(dh, CommandLineOf(bed.PidIn(1, "vifib-s0.pid")));
        Assert.Contains("-w", CommandLineOf(bed.PidIn(2, "babeld.pid")));
        Assert.DoesNotContain("-w", CommandLineOf(bed.PidIn(1, "babeld.pid")));
        Assert.Contains("none", CommandLineOf(bed.PidIn(2, "vifib-s0.pid"))); // --dh none without the option
        for (var n = 1; n <= 2; n++) await bed.StopAsync(n);
    }

    /// <summary>Three nodes, node 3 reached over its TCP server and the others over UDP (both default --pp servers run everywhere), all pairs answering.</summary>
    async Task<NodeMeshBed> StartThreeAsync()
    {
        var bed = NodeMeshBed.Create(Nodes, output);
        try
        {
            bed.SeedAll(overTcp: 3);
            var started = Stopwatch.StartNew();
            for (var n = 1; n <= Nodes; n++)
                bed.Start(n, "-v", "3", "--hello", "4", "--connection-count", "2", "--tunnel-refresh", "600");
            await bed.WaitForAllPairsAsync(Nodes, started, ConvergeTimeout);
            output.WriteLine($"all pairs answer after {started.Elapsed.TotalSeconds:0.0} s");
            return bed;
        }
        catch
        {
            bed.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until every node has a tunnel up, none to itself, and one tunnel per pair of nodes;
    /// returns a node that has a client tunnel up.
    /// </summary>
    static async Task<int> WaitForOneTunnelPerPairAsync(NodeMeshBed bed)
    {
        var withClient = 0;
        await MeshProbe.Until(async () =>
        {
            var links = new List<(int, string)>();
            withClient = 0;
            for (var n = 1; n <= Nodes; n++)
            {
                var tunnels = await bed.TunnelsAsync(n);
                if (!tunnels.Any(t => t.State == "up") || tunnels.Any(t => t.Peer == TestNetwork.PrefixOf(n))) return false;
                if (withClient == 0 && tunnels.Any(t => t.Direction == "client" && t.State == "up")) withClient = n;
                links.AddRange(tunnels.Where(t => t.Direction == "client").Select(t => (n, t.Peer)));
            }
            var pairs = links.Select(l => string.Join("-", new[] { TestNetwork.PrefixOf(l.Item1), l.Item2 }.Order(StringComparer.Ordinal))).ToList();
            return pairs.Count == pairs.Distinct().Count() && withClient != 0;
        }, TimeSpan.FromSeconds(20), "every node to have a tunnel up and one tunnel per pair of nodes");
        return withClient;
    }

    /// <summary>A process's arguments, from /proc (NUL-separated there).</summary>
    static List<string> CommandLineOf(int pid) =>
        [.. File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries)];
}
