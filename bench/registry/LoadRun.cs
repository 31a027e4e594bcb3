using System.Diagnostics;

namespace Vifibnet.Bench.Registry;

/// <summary>Figures of one bounded load: requests per second and latency percentiles.</summary>
public sealed record LoadFigures(string Name, int Requests, double Seconds, double PerSecond, double P50Ms, double P99Ms)
{
    public override string ToString() => $"{Name,-28} {Requests,7} req in {Seconds,4:0.0} s = {PerSecond,8:0} req/s   p50 {P50Ms,6:0.00} ms   p99 {P99Ms,6:0.00} ms";
}

/// <summary>Runs a request in a loop from several workers for a fixed time and measures each call.</summary>
public static class LoadRun
{
    /// <summary>Runs <paramref name="warmup"/> unmeasured requests first (JIT, connection set-up), then the timed load.</summary>
    public static async Task<LoadFigures> RunAsync(string name, TimeSpan duration, int workers, Func<int, Task> request, int warmup = 50)
    {
        var latencies = new List<double>[workers];
        var counter = 0;
        for (var i = 0; i < warmup; i++) await request(Interlocked.Increment(ref counter));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            var mine = latencies[w] = [];
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await request(Interlocked.Increment(ref counter));
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadFigures(name, all.Length, seconds, all.Length / seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
