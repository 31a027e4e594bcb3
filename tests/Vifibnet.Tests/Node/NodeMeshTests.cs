using System.Diagnostics;
using System.Text.Json;
using Vifibnet.Lab;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Node;

/// <summary>Tests that run real daemons in network namespaces: one at a time.</summary>
[CollectionDefinition("namespaces", DisableParallelization = true)]
public sealed class NamespaceCollection;

/// <summary>
/// Three nodes, each the real `vifibnet node` CLI inside its own namespace on a bridge
/// (198.51.100.0/24), with real openvpn and babeld, no registry: peers.db seeded by hand.
/// </summary>
[Collection("namespaces")]
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
        using var lab = new NetworkLab("vd-");
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
                TestNetwork.SeedPeers(dirs[n], Enumerable.Range(1, Nodes).Where(p => p != me).Select(p => (p, $"198.51.100.{p},1194,udp")));
            }
            var started = Stopwatch.StartNew();
            for (var n = 1; n <= Nodes; n++)
                daemons[n] = lab.Start(ns[n], $"node {n}", CliProgram.Dotnet,
                    [CliProgram.Dll, "node", "-s", dirs[n], "-l", dirs[n], "-v", "3", "--hello", "4", "--pp", "1194", "udp",
                     "--connection-count", "2", "--tunnel-refresh", "600"],
                    Path.Combine(dirs[n], "console.log"));

            await WaitForAllPairsAsync(lab, ns, started);
            output.WriteLine($"all pairs answer after {started.Elapsed.TotalSeconds:0.0} s");

            // Every node shows its client tunnel up, and `vifibnet tunnels` lists it.
            for (var n = 1; n <= Nodes; n++)
            {
                var tunnels = await TunnelsAsync(lab, ns[n], dirs[n]);
                Assert.Contains(tunnels, t => t.Direction == "client" && t.State == "up" && t.Interface == "vifib-c0");
                Assert.All(tunnels, t => Assert.NotEqual(TestNetwork.PrefixOf(n), t.Peer));
            }
            var table = lab.Exec(ns[1], CliProgram.Dotnet, CliProgram.Dll, "tunnels", "-s", dirs[1]);
            output.WriteLine(table);
            Assert.Contains("vifib-c0", table);
            Assert.Contains("PEER", table);

            // Kill node 1's client openvpn: the daemon notices and opens a tunnel again.
            var pidFile = Path.Combine(dirs[1], "run", "vifib-c0.pid");
            var oldPid = int.Parse(File.ReadAllText(pidFile).Trim());
            Command.Run("kill", "-KILL", oldPid.ToString());
            var killed = Stopwatch.StartNew();
            await Until(async () =>
            {
                var t = await TunnelsAsync(lab, ns[1], dirs[1]);
                return File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() is var p && p.Length > 0 && p != oldPid.ToString()
                    && t.Any(x => x.Direction == "client" && x.State == "up");
            }, TimeSpan.FromSeconds(30), "node 1 to reopen its killed client tunnel");
            output.WriteLine($"killed client tunnel replaced after {killed.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains("was killed", File.ReadAllText(Path.Combine(dirs[1], "vifibnet.log")));
            await WaitForAllPairsAsync(lab, ns, killed);

            // Clean stop: SIGTERM, exit code 0, no openvpn/babeld left, no tap device.
            for (var n = 1; n <= Nodes; n++)
            {
                daemons[n].Signal(ChildProcess.SIGTERM);
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
            for (var n = 1; n <= Nodes; n++)
            {
                if (dirs[n] is null) continue;
                foreach (var log in new[] { "console.log", "vifibnet.log", "vifibnet-babeld.log", "vifibnet-openvpn-vifib-c0.log", "vifibnet-openvpn-vifib-s0.log" })
                {
                    var path = Path.Combine(dirs[n], log);
                    if (File.Exists(path)) output.WriteLine($"--- node {n} {log} (tail)\n{string.Join('\n', File.ReadAllLines(path).TakeLast(15))}");
                }
            }
        }
    }

    sealed record Tunnel(string Peer, string Interface, string Direction, string Remote, string State, int Routes);

    static async Task<List<Tunnel>> TunnelsAsync(NetworkLab lab, string ns, string dir)
    {
        var (code, json) = await Task.Run(() => lab.TryExec(ns, CliProgram.Dotnet, CliProgram.Dll, "tunnels", "-s", dir, "--json"));
        if (code != 0) return [];
        return JsonSerializer.Deserialize<List<Tunnel>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
    }

    async Task WaitForAllPairsAsync(NetworkLab lab, string[] ns, Stopwatch since)
    {
        var pending = new List<(int From, int To)>();
        for (var a = 1; a <= Nodes; a++)
            for (var b = 1; b <= Nodes; b++)
                if (a != b) pending.Add((a, b));
        await Until(() =>
        {
            pending.RemoveAll(p => lab.TryExec(ns[p.From], "ping", "-6", "-c", "1", "-W", "1", TestNetwork.AddressOf(p.To).ToString()).ExitCode == 0);
            return Task.FromResult(pending.Count == 0);
        }, ConvergeTimeout, () => $"every node to ping every other overlay address; still failing: {string.Join(", ", pending.Select(p => $"{p.From}->{p.To}"))} after {since.Elapsed.TotalSeconds:0} s");
    }

    static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what) => Until(condition, timeout, () => what);

    static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what()}");
            await Task.Delay(500);
        }
    }
}
