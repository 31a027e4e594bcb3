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
    public async Task ThreeNodesMeshReplaceAKilledTunnelAndStopCleanly()
    {
        Requires.Root();
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        using var network = new TestNetwork();
        using var lab = new NetworkLab(LabPrefix.ForThisCheckout);
        var bridge = lab.CreateBridge("br");
        var dirs = new string[Nodes + 1];
        var ns = new string[Nodes + 1];
        var daemons = new Vifibnet.Processes.ChildProcess[Nodes + 1];
        try
        {
            for (var n = 1; n <= Nodes; n++)
            {
                dirs[n] = network.MakeNode(n);
                ns[n] = lab.AddHost($"n{n}", $"198.51.100.{n}/24", bridge);
                var me = n;
                // Node 3 is reached over its TCP server, the others over UDP: both default --pp servers run everywhere.
                TestNetwork.SeedPeers(dirs[n], Enumerable.Range(1, Nodes).Where(p => p != me)
                    .Select(p => (p, p == 3 ? "198.51.100.3,1194,tcp-client" : $"198.51.100.{p},1194,udp")));
            }
            var started = Stopwatch.StartNew();
            for (var n = 1; n <= Nodes; n++)
                daemons[n] = lab.Start(ns[n], $"node {n}", CliProgram.Dotnet,
                    [CliProgram.Dll, "node", "-s", dirs[n], "-l", dirs[n], "-v", "3", "--hello", "4", "--ip", $"198.51.100.{n}", "1194", "udp",
                     "--connection-count", "2", "--tunnel-refresh", "600"],
                    Path.Combine(dirs[n], "console.log"));

            await MeshProbe.WaitForAllPairsAsync(lab, TestNetwork.Hosts(ns, Nodes), started, ConvergeTimeout);
            output.WriteLine($"all pairs answer after {started.Elapsed.TotalSeconds:0.0} s");

            // Every node has a tunnel up, never to itself, and one tunnel per pair of nodes: a node whose
            // peers both connected to its servers opens no client tunnel of its own (it has its two).
            var clientOf = new string?[Nodes + 1];
            await MeshProbe.Until(async () =>
            {
                var links = new List<(int, string)>();
                for (var n = 1; n <= Nodes; n++)
                {
                    var tunnels = await MeshProbe.TunnelsAsync(lab, ns[n], dirs[n], CliProgram.CommandLine());
                    if (!tunnels.Any(t => t.State == "up") || tunnels.Any(t => t.Peer == TestNetwork.PrefixOf(n))) return false;
                    clientOf[n] = tunnels.FirstOrDefault(t => t.Direction == "client" && t.State == "up")?.Interface;
                    links.AddRange(tunnels.Where(t => t.Direction == "client").Select(t => (n, t.Peer)));
                }
                var pairs = links.Select(l => string.Join("-", new[] { TestNetwork.PrefixOf(l.Item1), l.Item2 }.Order(StringComparer.Ordinal))).ToList();
                return pairs.Count == pairs.Distinct().Count() && clientOf.Any(d => d is not null);
            }, TimeSpan.FromSeconds(20), "every node to have a tunnel up and one tunnel per pair of nodes");
            var k = Array.FindIndex(clientOf, d => d is not null);
            var table = lab.Exec(ns[k], CliProgram.Dotnet, CliProgram.Dll, "tunnels", "-s", dirs[k]);
            output.WriteLine($"node {k}:\n{table}");
            Assert.Contains(clientOf[k]!, table);
            Assert.Contains("PEER", table);

            // Kill node k's client openvpn: the daemon notices and opens a tunnel again.
            var pidFile = Path.Combine(dirs[k], "run", $"{clientOf[k]}.pid");
            var oldPid = int.Parse(File.ReadAllText(pidFile).Trim());
            Command.Run("kill", "-KILL", oldPid.ToString());
            var killed = Stopwatch.StartNew();
            await MeshProbe.Until(async () =>
            {
                var t = await MeshProbe.TunnelsAsync(lab, ns[k], dirs[k], CliProgram.CommandLine());
                return File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() is var p && p.Length > 0 && p != oldPid.ToString()
                    && t.Any(x => x.Direction == "client" && x.State == "up");
            }, TimeSpan.FromSeconds(30), $"node {k} to reopen its killed client tunnel");
            output.WriteLine($"killed client tunnel replaced after {killed.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains("was killed", File.ReadAllText(Path.Combine(dirs[k], "vifibnet.log")));
            await MeshProbe.WaitForAllPairsAsync(lab, TestNetwork.Hosts(ns, Nodes), killed, ConvergeTimeout);

            // A crashed babeld and a crashed openvpn server on node 2 are logged and restarted.
            var babelPid = PidIn(dirs[2], "babeld.pid");
            var serverPid = PidIn(dirs[2], "vifib-s0.pid");
            Command.Run("kill", "-KILL", babelPid.ToString(), serverPid.ToString());
            await MeshProbe.Until(() => Task.FromResult(PidIn(dirs[2], "babeld.pid") is var b && b != 0 && b != babelPid
                && PidIn(dirs[2], "vifib-s0.pid") is var s && s != 0 && s != serverPid), TimeSpan.FromSeconds(20), "node 2 to restart babeld and its server");
            var log2 = File.ReadAllText(Path.Combine(dirs[2], "vifibnet.log"));
            Assert.Contains("babeld exited", log2);
            Assert.Contains("restarting it", log2);
            await MeshProbe.WaitForAllPairsAsync(lab, TestNetwork.Hosts(ns, Nodes), Stopwatch.StartNew(), ConvergeTimeout);

            // Node 3 stops: the others notice their tunnels to it die (ping-exit, 4 hellos), drop them and stay connected.
            daemons[3].Signal(ChildProcess.SIGTERM);
            Assert.Equal(0, await daemons[3].Exited.WaitAsync(TimeSpan.FromSeconds(30)));
            var gone = Stopwatch.StartNew();
            foreach (var n in new[] { 1, 2 })
                await MeshProbe.Until(async () => !(await MeshProbe.TunnelsAsync(lab, ns[n], dirs[n], CliProgram.CommandLine())).Any(t => t.Peer == TestNetwork.PrefixOf(3)),
                    TimeSpan.FromSeconds(60), $"node {n} to drop its tunnels to the stopped node 3");
            output.WriteLine($"tunnels to the stopped node dropped after {gone.Elapsed.TotalSeconds:0.0} s");
            await MeshProbe.WaitForAllPairsAsync(lab, TestNetwork.Hosts(ns, 2), gone, ConvergeTimeout);
            output.WriteLine($"nodes 1 and 2 answer each other again {gone.Elapsed.TotalSeconds:0.0} s after node 3 stopped");

            // Clean stop: SIGTERM, exit code 0, no openvpn/babeld left, no tap device.
            for (var n = 1; n <= Nodes; n++)
            {
                daemons[n].Signal(ChildProcess.SIGTERM); // node 3 stopped already
                var exited = await Task.WhenAny(daemons[n].Exited, Task.Delay(TimeSpan.FromSeconds(30)));
                Assert.True(exited == daemons[n].Exited, $"node {n} did not stop within 30 s of SIGTERM");
                Assert.Equal(0, await daemons[n].Exited);
                Assert.Empty(NetworkLab.Pids(ns[n]));
                var links = lab.Exec(ns[n], "ip", "-o", "link", "show");
                Assert.DoesNotContain("vifib-", links);
                Assert.DoesNotContain(TestNetwork.AddressOf(n).ToString(), lab.Exec(ns[n], "ip", "-6", "addr", "show", "dev", "lo"));
                Assert.False(File.Exists(Path.Combine(dirs[n], "vifibnet.sock")));
            }
        }
        finally
        {
            NodeLogs.Dump(output, dirs);
        }
    }

    [Fact]
    public async Task NodesWithADhFileAndWithWirelessBabelRunAndMesh()
    {
        Requires.Root();
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        Requires.Tool("openssl", "openssl");
        using var network = new TestNetwork();
        using var lab = new NetworkLab(LabPrefix.ForThisCheckout);
        var bridge = lab.CreateBridge("br");
        var dirs = new string?[3];
        var ns = new string[3];
        var daemons = new ChildProcess[3];
        try
        {
            for (var n = 1; n <= 2; n++)
            {
                dirs[n] = network.MakeNode(n);
                ns[n] = lab.AddHost($"n{n}", $"198.51.100.{n}/24", bridge);
                TestNetwork.SeedPeers(dirs[n]!, [(3 - n, $"198.51.100.{3 - n},1194,udp")]);
            }
            // RFC 7919's ffdhe2048 group: a real DH parameter file, made at once (no prime search).
            var dh = Path.Combine(dirs[1]!, "dh.pem");
            Command.Run("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", dh);
            string[][] extra = [[], ["--dh", dh], ["-w"]];
            var started = Stopwatch.StartNew();
            for (var n = 1; n <= 2; n++)
                daemons[n] = lab.Start(ns[n], $"node {n}", CliProgram.Dotnet,
                    [CliProgram.Dll, "node", "-s", dirs[n]!, "-l", dirs[n]!, "-v", "2", "--hello", "4", "--ip", $"198.51.100.{n}", "1194", "udp",
                     "--pp", "1194", "udp", "--connection-count", "2", .. extra[n]],
                    Path.Combine(dirs[n]!, "console.log"));

            await MeshProbe.WaitForAllPairsAsync(lab, TestNetwork.Hosts(ns, 2), started, ConvergeTimeout);
            output.WriteLine($"both pairs answer after {started.Elapsed.TotalSeconds:0.0} s");
            // The options reached the children: node 1's server loaded the DH file, node 2's babeld runs with -w.
            Assert.Contains(dh, CommandLineOf(PidIn(dirs[1]!, "vifib-s0.pid")));
            Assert.Contains("-w", CommandLineOf(PidIn(dirs[2]!, "babeld.pid")));
            Assert.DoesNotContain("-w", CommandLineOf(PidIn(dirs[1]!, "babeld.pid")));
            Assert.Contains("none", CommandLineOf(PidIn(dirs[2]!, "vifib-s0.pid"))); // --dh none without the option
            for (var n = 1; n <= 2; n++)
            {
                daemons[n].Signal(ChildProcess.SIGTERM);
                Assert.Equal(0, await daemons[n].Exited.WaitAsync(TimeSpan.FromSeconds(30)));
                Assert.Empty(NetworkLab.Pids(ns[n]));
            }
        }
        finally
        {
            NodeLogs.Dump(output, dirs);
        }
    }

    /// <summary>A process's arguments, from /proc (NUL-separated there).</summary>
    static List<string> CommandLineOf(int pid) =>
        [.. File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries)];

    static int PidIn(string dir, string file)
    {
        try { return int.Parse(File.ReadAllText(Path.Combine(dir, "run", file)).Trim()); }
        catch (Exception e) when (e is IOException or FormatException) { return 0; }
    }
}
