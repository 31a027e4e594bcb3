using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vifibnet.Simulation;

// The scaling table: N x K, each network run through the daemon's tunnel policy for R refresh rounds,
// measured at the random start and after the last round, with 10 % and 50 % of nodes failed.
// Usage: dotnet run -c Release --project bench/simulate [-- --quick] [--rounds R] [--sample-sources S]
var quick = args.Contains("--quick");
var rounds = Option("--rounds", 10);
var sampleSources = Option("--sample-sources", 256);
int[] nodeCounts = quick ? [100, 1600] : [100, 1600, 25600, 102400];
int[] connectionCounts = [10, 20, 40];
double[] failRatios = [0.1, 0.5];
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Console.WriteLine($"simulate benchmark: {rounds} refresh rounds, seed 1, hops exact up to 2048 nodes, else {sampleSources} random BFS sources per round");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("      N   K  tun  hops start  hops end         max  degree end      conn10%  largest10%  conn50%  largest50%  repaired50%  hops50%  seconds");
var results = new List<object>();
var total = Stopwatch.StartNew();
foreach (var n in nodeCounts)
    foreach (var k in connectionCounts)
    {
        var options = new SimulationOptions
        {
            Nodes = n, ConnectionCount = k, RefreshRounds = rounds, FailRatios = failRatios, SampleSources = sampleSources, Seed = 1,
        };
        var clock = Stopwatch.StartNew();
        var progress = new Progress(n, k);
        var result = new NetworkSimulator().Run(options, progress);
        var seconds = clock.Elapsed.TotalSeconds;
        var (start, end) = (result.Rounds[0], result.Rounds[^1]);
        var f10 = end.Failures[0].Survivors;
        var f50 = end.Failures[1].Survivors;
        var r50 = result.Repairs[1];
        Console.WriteLine($"{n,7} {k,3} {options.ClientTunnels,4}  {start.Hops.AverageHops,10:F3}  {end.Hops.AverageHops,8:F3}{(end.Hops.Exact ? "       " : $" +-{end.Hops.StandardError:F3}")}  {end.Hops.MaxHops,3}  " +
            $"{end.Degree.Min,3}/{end.Degree.Mean,5:F1}/{end.Degree.Max,-3}  {f10.ConnectedPairsRatio,8:F5}  {f10.LargestComponent,10}  " +
            $"{f50.ConnectedPairsRatio,7:F5}  {f50.LargestComponent,10}  {r50.Survivors.ConnectedPairsRatio,11:F5}  {r50.Hops.AverageHops,7:F3}  {seconds,7:F1}");
        results.Add(new
        {
            nodes = n, connectionCount = k, clientTunnels = options.ClientTunnels, hopsExact = end.Hops.Exact, hopSources = end.Hops.Sources,
            averageHopsStart = start.Hops.AverageHops, averageHopsEnd = end.Hops.AverageHops,
            averageHopsStandardError = end.Hops.StandardError, maxHopsStart = start.Hops.MaxHops, maxHopsEnd = end.Hops.MaxHops,
            degreeEnd = new { min = end.Degree.Min, mean = end.Degree.Mean, max = end.Degree.Max },
            failures = failRatios.Select((ratio, i) => new
            {
                ratio,
                startConnectedPairsRatio = start.Failures[i].Survivors.ConnectedPairsRatio,
                startLargestComponent = start.Failures[i].Survivors.LargestComponent,
                connectedPairsRatio = end.Failures[i].Survivors.ConnectedPairsRatio,
                largestComponent = end.Failures[i].Survivors.LargestComponent,
                survivors = end.Failures[i].Survivors.Survivors,
                repairedConnectedPairsRatio = result.Repairs[i].Survivors.ConnectedPairsRatio,
                repairedLargestComponent = result.Repairs[i].Survivors.LargestComponent,
                repairedAverageHops = result.Repairs[i].Hops.AverageHops,
                repairPasses = result.Repairs[i].Passes,
            }),
            seconds = Math.Round(seconds, 1),
        });
    }

using var self = Process.GetCurrentProcess();
var peakMiB = self.PeakWorkingSet64 / (1024 * 1024);
var reference = results.Cast<dynamic>().FirstOrDefault(r => r.nodes == 1600 && r.connectionCount == 20);
Console.WriteLine();
if (reference is not null)
    Console.WriteLine($"reference: original project ~2.77 hops at N=1600, 10 client tunnels (K=20), random graph; ours {reference.averageHopsStart:F3} at the random start, {reference.averageHopsEnd:F3} after {rounds} rounds");
Console.WriteLine($"total {total.Elapsed.TotalSeconds:F1} s, peak working set {peakMiB} MiB");
Console.WriteLine(JsonSerializer.Serialize(new
{
    benchmark = "simulate", seed = 1, refreshRounds = rounds, sampleSources, exactUpTo = 2048, refreshRate = 0.05, peerListSize = 100, peerDbRefreshRounds = 12, maxIncoming = "2K",
    totalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1), peakWorkingSetMiB = peakMiB, results,
}));
return 0;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Progress of the big runs on stderr, so stdout stays the table.</summary>
sealed class Progress(int nodes, int k) : IProgress<SimulationProgress>
{
    public void Report(SimulationProgress value)
    {
        if (nodes >= 25600) Console.Error.WriteLine($"  N={nodes} K={k}: {value.Phase} at {value.Elapsed.TotalSeconds:F1} s");
    }
}
