using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vifibnet.Bench.Mesh;
using Vifibnet.Lab;

// bench/mesh: real meshes (registry, `vifibnet node`, openvpn, babeld, NAT) in network namespaces, as root.
// For each hello and size: time from start to all pairs answering ping6 over the overlay, from a cut
// path in use to all pairs again, from a node reboot to all pairs again; medians of the repeats, also
// in hello intervals; peak RSS and CPU of every node's processes. Last line: one JSON object.
// Usage: dotnet run -c Release --project bench/mesh [-- --sizes 4,8,16 --hellos 4,15 --builds 2,1 --faults 2,1 --loss-seconds 600 --loss-percent 20 --node-env NAME=VALUE,...]
// (--builds and --faults per hello: mesh builds per size, and cut+reboot rounds per build; the lossy-underlay
// run comes after the faults of the first build of each size at the first hello; --loss-seconds 0 skips it).
// BENCH_VIFIBNET=PATH runs that vifibnet program (registry and nodes) instead of the one built beside the bench.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int[] sizes = [4, 8, 16], hellos = [4, 15], builds = [2, 1], faults = [2, 1];
int lossSeconds = 600, lossPercent = 20;
var nodeEnv = new List<KeyValuePair<string, string>>();
for (var i = 0; i < args.Length - 1; i += 2)
{
    if (args[i] == "--node-env")
    {
        // NAME=VALUE,...: runtime settings for every node on top of NodeRuntime's (env applies the later one).
        foreach (var kv in args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries))
            nodeEnv.Add(new(kv.Split('=', 2)[0], kv.Split('=', 2)[^1]));
        continue;
    }
    var list = args[i + 1].Split(',').Select(int.Parse).ToArray();
    switch (args[i])
    {
        case "--sizes": sizes = list; break;
        case "--hellos": hellos = list; break;
        case "--builds": builds = list; break;
        case "--faults": faults = list; break;
        case "--loss-seconds": lossSeconds = list[0]; break;
        case "--loss-percent": lossPercent = list[0]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
const double UpstreamConverge = 40, UpstreamReboot = 100; // upstream's network tests, hello 4
using var cancel = new CancellationTokenSource();
// Ctrl+C or SIGTERM (a background run ignores SIGINT) ends the current build cleanly: its mesh is removed.
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
var total = Stopwatch.StartNew();
if (nodeEnv.Count > 0) Console.WriteLine($"node runtime settings added: {string.Join(' ', nodeEnv.Select(e => $"{e.Key}={e.Value}"))}");
Console.WriteLine($"bench/mesh on {Environment.ProcessorCount} cores, load average {ProcessUsage.LoadAverage():0.0} at start (other work on this machine slows every figure)");
Console.WriteLine($"reference (upstream network tests, hello 4): full mesh within {UpstreamConverge} s, recovery after a node reboot within {UpstreamReboot} s");
var results = new List<object>();
for (var hi = 0; hi < hellos.Length; hi++)
{
    var hello = hellos[hi];
    var (b, f) = (builds[Math.Min(hi, builds.Length - 1)], faults[Math.Min(hi, faults.Length - 1)]);
    foreach (var n in sizes)
    {
        Console.WriteLine($"\n== {n} nodes ({Vifibnet.Lab.DemoTopology.NatCount(n)} behind NAT), hello {hello} s: {b} build(s) x {f} cut+reboot round(s)");
        var load0 = ProcessUsage.LoadAverage();
        var figures = new List<BuildFigures>();
        string? failure = null;
        for (var r = 0; r < b; r++)
        {
            try
            {
                var loss = hi == 0 && r == 0 ? TimeSpan.FromSeconds(lossSeconds) : TimeSpan.Zero;
                figures.Add(await MeshBenchRun.RunAsync(n, hello, f, loss, lossPercent, s => Console.WriteLine(s), cancel.Token, nodeEnv));
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("cancelled: the mesh of the current build is removed");
                return 1;
            }
            catch (Exception e)
            {
                failure = e.Message;
                Console.WriteLine($"    build {r + 1} failed: {e.Message}");
            }
        }
        var load1 = ProcessUsage.LoadAverage();
        var converge = figures.Select(x => x.Converge).ToList();
        var reroute = figures.SelectMany(x => x.Reroutes).ToList();
        var reboot = figures.SelectMany(x => x.Reboots).ToList();
        var procs = figures.SelectMany(x => x.Processes).ToList();
        object Usage(string name)
        {
            var p = procs.Where(x => x.Name == name).ToList();
            return p.Count == 0 ? new { count = 0 } : new
            {
                count = p.Count,
                peak_rss_mb_median = Math.Round(Median(p.Select(x => x.PeakRssMb)), 1),
                peak_rss_mb_max = Math.Round(p.Max(x => x.PeakRssMb), 1),
                pss_mb_median = Math.Round(Median(p.Select(x => x.PssMb)), 1),
                cpu_percent_median = Math.Round(Median(p.Select(x => x.CpuPercent)), 2),
                cpu_percent_max = Math.Round(p.Max(x => x.CpuPercent), 2),
            };
        }
        var row = new
        {
            nodes = n, hello, natted = Vifibnet.Lab.DemoTopology.NatCount(n), builds = figures.Count, failure,
            converge_s = Stat(converge, hello), reroute_s = Stat(reroute, hello), reboot_s = Stat(reboot, hello),
            vifibnet = Usage("vifibnet"), babeld = Usage("babeld"), openvpn = Usage("openvpn"),
            lossy = figures.Select(x => x.Lossy).OfType<Vifibnet.Lab.LossyRun>().Select(l => new
            {
                loss_percent = l.LossPercent, seconds = Math.Round(l.Duration.TotalSeconds), probe_s = MeshBenchRun.LossProbeSeconds, rounds = l.Rounds,
                probes = l.Probes, answered = l.Answered, answered_percent = Math.Round(100 * l.AnsweredShare, 2), tunnels_torn_down = l.TunnelsTornDown, handshakes_lost = l.HandshakesLost, server_side_timeouts = l.ServerTimeouts,
            }).FirstOrDefault(),
            load_average = new[] { load0, load1 },
        };
        results.Add(row);
        Console.WriteLine($"   start -> all pairs   {Show(converge, hello)}" + (hello == 4 ? $"   (upstream: within {UpstreamConverge} s)" : ""));
        Console.WriteLine($"   cut path -> rerouted {Show(reroute, hello)}");
        Console.WriteLine($"   node reboot -> all   {Show(reboot, hello)}" + (hello == 4 ? $"   (upstream: within {UpstreamReboot} s)" : ""));
        foreach (var l in figures.Select(x => x.Lossy).OfType<Vifibnet.Lab.LossyRun>())
            Console.WriteLine($"   lossy underlay       {l} (target: none torn down, >= 99 % answered)");
        foreach (var (name, label) in new[] { ("vifibnet", "vifibnet node"), ("babeld", "babeld"), ("openvpn", "openvpn (each)") })
        {
            var p = procs.Where(x => x.Name == name).ToList();
            if (p.Count > 0)
                Console.WriteLine($"   {label,-15} peak RSS median {Median(p.Select(x => x.PeakRssMb)):0.0} MB (max {p.Max(x => x.PeakRssMb):0.0}), PSS median {Median(p.Select(x => x.PssMb)):0.0} MB, CPU median {Median(p.Select(x => x.CpuPercent)):0.00} % of a core (max {p.Max(x => x.CpuPercent):0.00}) over {p.Count} processes");
        }
        Console.WriteLine($"   load average {load0:0.0} -> {load1:0.0}");
    }
}
Console.WriteLine($"\ntotal {total.Elapsed.TotalMinutes:0.0} min");
Console.WriteLine(JsonSerializer.Serialize(new { bench = "mesh", cores = Environment.ProcessorCount, node_env = nodeEnv.Select(e => $"{e.Key}={e.Value}").ToArray(), upstream = new { converge_s = UpstreamConverge, reboot_s = UpstreamReboot, hello = 4 }, results }));
return 0;

static double Median(IEnumerable<double> values)
{
    var v = values.OrderBy(x => x).ToList();
    return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
}

static object? Stat(List<double> v, int hello) => v.Count == 0 ? null : new
{
    median = Math.Round(Median(v), 1), hellos = Math.Round(Median(v) / hello, 2), runs = v.Count, min = Math.Round(v.Min(), 1), max = Math.Round(v.Max(), 1),
};

static string Show(List<double> v, int hello) => v.Count == 0 ? "n/a"
    : $"median {Median(v),6:0.0} s = {Median(v) / hello,5:0.00} hellos   (n={v.Count}, {v.Min():0.0}..{v.Max():0.0})";
