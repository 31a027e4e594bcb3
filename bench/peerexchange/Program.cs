using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vifibnet.Lab;
using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Processes;

// bench/peerexchange: peer exchange without the registry, real meshes in network namespaces, as root.
// Per run: build an N-node mesh (none behind NAT) with its registry, wait for all pairs, stop the
// registry; (1) restart one node with only a bootstrap peer in its peer DB: time to its full
// connection count (ceil(C/2) client tunnels up, N-1 peers known) and to all pairs; (2) restart half
// the nodes that way (each a different survivor as bootstrap): time to all pairs. Medians of --runs,
// peak RSS and CPU of the node processes, the load average. Last line: one JSON object.
// Usage: dotnet run -c Release --project bench/peerexchange [-- --nodes 16 --runs 2 --hello 4 --connection-count 6 --exchange 30]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int nodes = 16, runs = 2, hello = 4, connectionCount = 6, exchange = 30;
for (var i = 0; i < args.Length - 1; i += 2)
{
    var v = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--nodes": nodes = v; break;
        case "--runs": runs = v; break;
        case "--hello": hello = v; break;
        case "--connection-count": connectionCount = v; break;
        case "--exchange": exchange = v; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
using var cancel = new CancellationTokenSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
var timeout = TimeSpan.FromSeconds(300);
var load0 = ProcessUsage.LoadAverage();
Console.WriteLine($"bench/peerexchange on {Environment.ProcessorCount} cores, load average {load0:0.0}: {nodes} nodes, hello {hello} s, --connection-count {connectionCount}, --peer-exchange {exchange} s, {runs} run(s)");
var (converge, single, singlePairs, half) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
var usage = new List<ProcessUsage>();
string? failure = null;
var dll = Path.Combine(AppContext.BaseDirectory, "vifibnet.dll");
var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : Tools.Find("dotnet");
for (var r = 1; r <= runs; r++)
{
    var log = new Logger(LogLevel.Warning, rec => Console.WriteLine("    " + rec));
    var mesh = MeshLab.Create(new MeshOptions
    {
        Prefix = "vm-x-", Nodes = nodes, NatCount = 0, Hello = hello, ConnectionCount = connectionCount, PeerExchange = exchange,
        Vifibnet = (dotnet, [dll]),
    }, log);
    try
    {
        var watcher = new MeshWatcher(mesh);
        var all = mesh.Nodes.Select(n => n.Number).ToList();
        await mesh.StartRegistryAsync(cancel.Token);
        await Task.WhenAll(mesh.Nodes.Select(n => mesh.RegisterAsync(n, cancel.Token)));
        var sw = Stopwatch.StartNew();
        foreach (var n in mesh.Nodes) mesh.StartNode(n);
        converge.Add((await watcher.WaitForAllPairsAsync(all, sw, timeout, cancel.Token)).TotalSeconds);
        Console.WriteLine($"  run {r}: all {nodes * (nodes - 1)} pairs {converge[^1]:0.0} s after start; registry stopped");
        await mesh.StopRegistryAsync();

        var node = mesh.Nodes[^1];
        await mesh.StopNodeAsync(node);
        ResetPeerDb(node, mesh.Nodes[0]);
        sw.Restart();
        mesh.StartNode(node);
        await MeshProbe.Until(async () =>
        {
            try
            {
                var s = await ControlClient.GetStatusAsync(node.Directory, cancel.Token);
                return s.ClientTunnelsUp >= (connectionCount + 1) / 2 && s.PeersKnown >= nodes - 1;
            }
            catch (Exception e) when (e is NodeNotRunningException or NodeDaemonException) { return false; }
        }, timeout, $"{node.Label} to reach its full connection count");
        single.Add(sw.Elapsed.TotalSeconds);
        singlePairs.Add((await watcher.WaitForAllPairsAsync(all, sw, timeout, cancel.Token)).TotalSeconds);
        Console.WriteLine($"  run {r}: {node.Label} from one bootstrap peer: full connection count {single[^1]:0.0} s, all pairs {singlePairs[^1]:0.0} s");

        var restarted = mesh.Nodes.Skip(nodes / 2).ToList();
        await Task.WhenAll(restarted.Select(mesh.StopNodeAsync));
        for (var i = 0; i < restarted.Count; i++) ResetPeerDb(restarted[i], mesh.Nodes[i]);
        sw.Restart();
        foreach (var n in restarted) mesh.StartNode(n);
        half.Add((await watcher.WaitForAllPairsAsync(all, sw, timeout, cancel.Token)).TotalSeconds);
        Console.WriteLine($"  run {r}: {restarted.Count} nodes from one bootstrap peer each: all pairs {half[^1]:0.0} s");
        foreach (var n in mesh.Nodes)
            foreach (var pid in NetworkLab.Pids(n.Namespace))
                if (ProcessUsage.Read(pid) is { } u) usage.Add(u);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("cancelled: the mesh is removed");
        await mesh.DisposeAsync();
        return 1;
    }
    catch (Exception e) when (e is MeshLabException or TimeoutException)
    {
        failure = e.Message;
        Console.WriteLine($"  run {r} failed: {e.Message}");
    }
    await mesh.DisposeAsync();
}
var load1 = ProcessUsage.LoadAverage();
var nodeProcs = usage.Where(u => u.Name == "vifibnet").ToList();
Console.WriteLine($"start -> all pairs                          {Show(converge)}");
Console.WriteLine($"1 node, bootstrap only -> full connections  {Show(single)}");
Console.WriteLine($"1 node, bootstrap only -> all pairs         {Show(singlePairs)}");
Console.WriteLine($"{nodes / 2} nodes, bootstrap only -> all pairs        {Show(half)}");
if (nodeProcs.Count > 0)
    Console.WriteLine($"vifibnet node: peak RSS median {Median(nodeProcs.Select(x => x.PeakRssMb)):0.0} MB, CPU median {Median(nodeProcs.Select(x => x.CpuPercent)):0.00} % of a core over {nodeProcs.Count} processes");
Console.WriteLine($"load average {load0:0.0} -> {load1:0.0}");
Console.WriteLine(JsonSerializer.Serialize(new
{
    bench = "peerexchange", cores = Environment.ProcessorCount, nodes, hello, connection_count = connectionCount, peer_exchange_s = exchange, runs, failure,
    converge_s = Stat(converge), single_full_s = Stat(single), single_pairs_s = Stat(singlePairs), half_pairs_s = Stat(half),
    node_peak_rss_mb_median = nodeProcs.Count == 0 ? double.NaN : Math.Round(Median(nodeProcs.Select(x => x.PeakRssMb)), 1),
    node_cpu_percent_median = nodeProcs.Count == 0 ? double.NaN : Math.Round(Median(nodeProcs.Select(x => x.CpuPercent)), 2),
    load_average = new[] { load0, load1 },
}));
return failure is null ? 0 : 1;

static void ResetPeerDb(MeshNode node, MeshNode bootstrap)
{
    var path = Path.Combine(node.Directory, "peers.db");
    foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
    using var db = PeerDb.Open(path);
    db.AddBootstrap(new Peer(bootstrap.Prefix, $"{bootstrap.Host.Address},1194,udp"));
}

static double Median(IEnumerable<double> values)
{
    var v = values.OrderBy(x => x).ToList();
    return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
}

static object? Stat(List<double> v) => v.Count == 0 ? null : new { median = Math.Round(Median(v), 1), runs = v.Count, min = Math.Round(v.Min(), 1), max = Math.Round(v.Max(), 1) };

static string Show(List<double> v) => v.Count == 0 ? "n/a" : $"median {Median(v),6:0.0} s (n={v.Count}, {v.Min():0.0}..{v.Max():0.0})";
