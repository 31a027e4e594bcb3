using System.Diagnostics;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Lab;
using Vifibnet.Node;
using Vifibnet.Processes;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Routing;
using Vifibnet.Tests.Node;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Lifecycle;

/// <summary>
/// The network configuration on a real mesh (the real CLI, openvpn, babeld 1.12) in namespaces on one bridge,
/// every node with -i eth0 on it (documentation addresses only): two networks sharing the LAN never exchange
/// routes once each signs its babel packets with its own key; a hello change reaches every node within one
/// refresh without restarting babeld; a key rotation switches every node at the agreed moment, and the
/// longest silence of any pair during it is measured.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class NetworkConfigMeshTests(ITestOutputHelper output)
{
    const int Refresh = 5;

    static NetworkPrefix SubnetOf(int n) => OverlayAddress.Subnet(TestNetwork.Prefix, new NodePrefix(n, 16));

    static async Task<IReadOnlyList<BabelRoute>> RoutesAsync(NodeMeshBed bed, int n) =>
        await BabelControl.DumpRoutesAsync(Path.Combine(bed.Dir(n), "run", "babeld.sock"));

    /// <summary>Routes node n's babeld knows (installed or not) into the subnets of <paramref name="others"/>.</summary>
    static async Task<List<BabelRoute>> RoutesIntoAsync(NodeMeshBed bed, int n, int[] others) =>
        [.. (await RoutesAsync(bed, n)).Where(r => others.Any(o => SubnetOf(o).Contains(r.Destination)))];

    static void WriteSignedConfig(string dir, NetworkConfiguration config, CertificateAuthority ca)
    {
        var signed = SignedNetworkConfiguration.Sign(config, ca.Key);
        File.WriteAllText(Path.Combine(dir, "network-config.json"), JsonSerializer.Serialize(new NetworkConfigMessage(signed.Body, signed.Signature), RegistryJson.Options));
    }

    [Fact]
    public async Task TwoNetworksOnOneLanNeverExchangeRoutesOnceEachSignsItsBabelPackets()
    {
        // Nodes 1, 2: network A; nodes 3, 4: network B, another CA with the same prefix (a test network beside the real one).
        using var bed = NodeMeshBed.Create(4, output, secondNetworkNodes: [3, 4]);
        int[] a = [1, 2], b = [3, 4];
        // Each node knows only its own network's other node.
        foreach (var (n, peer) in new[] { (1, 2), (2, 1), (3, 4), (4, 3) })
            TestNetwork.SeedPeers(bed.Dir(n), [(peer, $"198.51.100.{peer},1194,udp")]);
        string[] options = ["-v", "3", "--hello", "2", "--pp", "1194", "udp", "-i", "eth0", "--connection-count", "0", "--peer-exchange", "0"];

        // Control: without keys the two networks' babeld take each other's routes over the LAN (what this test must catch).
        var started = Stopwatch.StartNew();
        for (var n = 1; n <= 4; n++) bed.Start(n, options);
        await MeshProbe.Until(async () => (await RoutesIntoAsync(bed, 1, b)).Count > 0, TimeSpan.FromSeconds(40), "node 1 (network A) to learn a route of network B without keys");
        output.WriteLine($"without keys: node 1 has network B's routes after {started.Elapsed.TotalSeconds:0.0} s");
        for (var n = 1; n <= 4; n++) await bed.StopAsync(n);

        // Each network's signed configuration with its own key, in force already (as a node restarted with the registry down finds it).
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        WriteBoth(a, new NetworkConfiguration { Version = 1, BabelKeys = [new BabelKey(1, new string('a', 64), now)] });
        WriteBoth(b, new NetworkConfiguration { Version = 1, BabelKeys = [new BabelKey(1, new string('b', 64), now)] });
        void WriteBoth(int[] nodes, NetworkConfiguration config)
        {
            foreach (var n in nodes) WriteSignedConfig(bed.Dir(n), config, bed.CaOf(n));
        }
        started.Restart();
        for (var n = 1; n <= 4; n++) bed.Start(n, options);
        var hostsA = TestNetwork.Hosts([.. Enumerable.Range(0, 3).Select(n => n == 0 ? "" : bed.Namespace(n))], 2);
        (string, System.Net.IPAddress)[] hostsB = [(bed.Namespace(3), TestNetwork.AddressOf(3)), (bed.Namespace(4), TestNetwork.AddressOf(4))];
        await MeshProbe.WaitForAllPairsAsync(bed.Lab, hostsA, started, TimeSpan.FromSeconds(40));
        await MeshProbe.WaitForAllPairsAsync(bed.Lab, hostsB, started, TimeSpan.FromSeconds(40));
        output.WriteLine($"with keys: each network's pair answers after {started.Elapsed.TotalSeconds:0.0} s");

        // Watched for 8 hellos: no route of one network in the other's babel table or kernel, from either side.
        var watch = Stopwatch.StartNew();
        var samples = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(16))
        {
            foreach (var (n, others) in new[] { (1, b), (2, b), (3, a), (4, a) })
            {
                var leaked = await RoutesIntoAsync(bed, n, others);
                Assert.True(leaked.Count == 0, $"node {n}'s babeld has routes of the other network: {string.Join(", ", leaked.Select(r => $"{r.Prefix} via {r.Device}"))}");
                var kernel = bed.Lab.Exec(bed.Namespace(n), "ip", "-6", "route");
                foreach (var o in others)
                    Assert.DoesNotContain(SubnetOf(o).ToString().Split('/')[0], kernel);
                samples++;
            }
            Assert.NotEmpty(await RoutesIntoAsync(bed, 1, [2]));
            Assert.NotEmpty(await RoutesIntoAsync(bed, 3, [4]));
            await Task.Delay(1000);
        }
        output.WriteLine($"{samples} samples of 4 babel tables and kernel tables over {watch.Elapsed.TotalSeconds:0} s: no route crossed");
        for (var n = 1; n <= 4; n++)
        {
            var log = File.ReadAllText(Path.Combine(bed.Dir(n), "vifibnet.log"));
            Assert.Contains("signed with the network's key vifib1", log);
            // The key is in babeld's 0600 file, not on its command line (which every local user can read).
            var pid = bed.PidIn(n, "babeld.pid");
            Assert.DoesNotContain(n <= 2 ? "aaaa" : "bbbb", File.ReadAllText($"/proc/{pid}/cmdline"));
        }
        for (var n = 1; n <= 4; n++) await bed.StopAsync(n);
    }

    /// <summary>Pings every pair over and over for <paramref name="duration"/> (in the background); the longest time each pair went unanswered.</summary>
    static Task<Dictionary<(int, int), TimeSpan>> LongestSilenceAsync(NodeMeshBed bed, int nodes, TimeSpan duration) => Task.Run(async () =>
    {
        var hosts = TestNetwork.Hosts([.. Enumerable.Range(0, nodes + 1).Select(n => n == 0 ? "" : bed.Namespace(n))], nodes);
        // Every pair answered just before; a pair that never answers again counts to the end.
        var pairs = Enumerable.Range(0, nodes).SelectMany(x => Enumerable.Range(0, nodes).Where(y => y != x).Select(y => (x, y))).ToList();
        var lastAnswer = pairs.ToDictionary(p => p, _ => TimeSpan.Zero);
        var longest = pairs.ToDictionary(p => p, _ => TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            foreach (var (x, y) in pairs)
            {
                if (bed.Lab.TryExec(hosts[x].Namespace, "ping", "-6", "-c", "1", "-W", "1", hosts[y].Address.ToString()).ExitCode != 0) continue;
                var at = watch.Elapsed;
                if (at - lastAnswer[(x, y)] > longest[(x, y)]) longest[(x, y)] = at - lastAnswer[(x, y)];
                lastAnswer[(x, y)] = at;
            }
            await Task.Delay(200);
        }
        foreach (var p in pairs)
            if (watch.Elapsed - lastAnswer[p] > longest[p]) longest[p] = watch.Elapsed - lastAnswer[p];
        return longest;
    });

    [Fact]
    public async Task AHelloChangeReachesEveryNodeWithinOneRefreshAndAKeyRotationSwitchesEveryNode()
    {
        const int nodes = 3;
        var root = Directory.CreateTempSubdirectory("vd-netconfig-").FullName;
        try
        {
            var created = NetworkCreator.Create(Path.Combine(root, "registry"), TestNetwork.Prefix, force: false);
            using var ca = CertificateAuthority.Load(created.CaPath, created.KeyPath);
            using var bed = NodeMeshBed.Create(nodes, output, ca);
            bed.RecordIn(created.DbPath);
            bed.SeedAll();
            // Hello 4 and a first key, in force at once: the nodes give no --hello, so the network's applies.
            Admin("--hello", "4", "--rotate-babel-key", "--key-overlap", "0");
            var ns = bed.AddHost("reg", "198.51.100.100/24");
            using var registry = bed.Lab.Start(ns, "registry", CliProgram.File,
                [.. CliProgram.Leading, "registry", "8000", "--db", created.DbPath, "--ca", created.CaPath, "--key", created.KeyPath, "-v", "2"], Path.Combine(root, "registry.log"));
            var started = Stopwatch.StartNew();
            for (var n = 1; n <= nodes; n++)
                bed.Start(n, "-v", "3", "--pp", "1194", "udp", "-i", "eth0", "--connection-count", "2", "--peer-exchange", "0",
                    "--registry", "http://198.51.100.100:8000", "--peers-db-refresh", Refresh.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await bed.WaitForAllPairsAsync(nodes, started, TimeSpan.FromSeconds(60));
            output.WriteLine($"all pairs answer after {started.Elapsed.TotalSeconds:0.0} s");
            for (var n = 1; n <= nodes; n++)
            {
                var status = await NodeControl.GetStatusAsync(bed.Dir(n));
                Assert.Equal((4, 1L, "vifib1"), (status.Hello, status.NetworkConfigVersion!.Value, status.BabelKey));
            }
            var babelds = Enumerable.Range(1, nodes).Select(n => bed.PidIn(n, "babeld.pid")).ToArray();

            // Hello 4 -> 6: every node within one refresh (5 s, plus the daemon's 2 s tick), babeld not restarted.
            var change = Stopwatch.StartNew();
            var helloSilence = LongestSilenceAsync(bed, nodes, TimeSpan.FromSeconds(45));
            Admin("--hello", "6");
            await MeshProbe.Until(async () =>
            {
                foreach (var n in Enumerable.Range(1, nodes))
                    if ((await NodeControl.GetStatusAsync(bed.Dir(n))).Hello != 6) return false;
                return true;
            }, TimeSpan.FromSeconds(30), "every node to run hello 6");
            output.WriteLine($"hello 6 on every node {change.Elapsed.TotalSeconds:0.0} s after the change (refresh {Refresh} s)");
            Assert.True(change.Elapsed < TimeSpan.FromSeconds(Refresh + 2 * NodeDaemon.TickInterval.TotalSeconds + 2),
                $"the change took {change.Elapsed.TotalSeconds:0.0} s, more than one refresh");
            // babeld takes no new hello while running: restarted alone (tunnels stay up), each node's babeld a new process.
            await MeshProbe.Until(() => Task.FromResult(Enumerable.Range(1, nodes).All(n => bed.PidIn(n, "babeld.pid") is var pid && pid != 0 && pid != babelds[n - 1]
                && File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains("-h 6 -H 6"))),
                TimeSpan.FromSeconds(15), "every node's babeld to run again with -h 6");
            for (var n = 1; n <= nodes; n++)
                Assert.Contains("babel hello interval is now 6 s", File.ReadAllText(Path.Combine(bed.Dir(n), "vifibnet.log")));
            babelds = [.. Enumerable.Range(1, nodes).Select(n => bed.PidIn(n, "babeld.pid"))];
            var helloWorst = (await helloSilence).MaxBy(g => g.Value);
            output.WriteLine($"hello change: longest silence of a pair {helloWorst.Value.TotalSeconds:0.0} s (node {helloWorst.Key.Item1 + 1} -> node {helloWorst.Key.Item2 + 1})");
            await bed.WaitForAllPairsAsync(nodes, change, TimeSpan.FromSeconds(30));

            // A key rotation announced 3 refreshes ahead: every pair is pinged throughout; the longest silence is the figure.
            var rotation = Stopwatch.StartNew();
            Admin("--rotate-babel-key", "--key-overlap", (3 * Refresh).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var rotationSilence = await LongestSilenceAsync(bed, nodes, TimeSpan.FromSeconds(3 * Refresh + 20));
            for (var n = 1; n <= nodes; n++)
            {
                var status = await NodeControl.GetStatusAsync(bed.Dir(n));
                Assert.Equal("vifib2", status.BabelKey);
                Assert.Contains("babel key vifib2 in use", File.ReadAllText(Path.Combine(bed.Dir(n), "vifibnet.log")));
            }
            var worst = rotationSilence.MaxBy(g => g.Value);
            output.WriteLine($"key rotation: longest silence of a pair {worst.Value.TotalSeconds:0.0} s (node {worst.Key.Item1 + 1} -> node {worst.Key.Item2 + 1}); " +
                $"babeld restarted on {Enumerable.Range(1, nodes).Count(n => bed.PidIn(n, "babeld.pid") != babelds[n - 1])} of {nodes} nodes");
            for (var n = 1; n <= nodes; n++) Assert.Equal(babelds[n - 1], bed.PidIn(n, "babeld.pid")); // the key is switched live
            // babeld 1.12 takes a new key only on a re-added interface, whose neighbours come back with their next IHU
            // (every 3 hellos): a LAN pair may be apart for up to 3 hellos plus the nodes' 2 s ticks (docs/lifecycle.md).
            Assert.True(worst.Value < TimeSpan.FromSeconds(3 * 6 + 10), $"a pair was silent {worst.Value.TotalSeconds:0.0} s during the key rotation");
            for (var n = 1; n <= nodes; n++) await bed.StopAsync(n);
            await registry.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        void Admin(params string[] args)
        {
            var (code, text) = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "network-config", "--db", Path.Combine(root, "registry", "registry.db"), .. args]);
            Assert.True(code == 0, text);
            output.WriteLine($"network-config {string.Join(' ', args)}: {text.Split('\n')[0]}");
        }
    }
}
