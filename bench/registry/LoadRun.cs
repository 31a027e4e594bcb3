using System.Diagnostics;
using System.Globalization;

namespace Vifibnet.Bench.Registry;

/// <summary>
/// Figures of one bounded load: requests per second, latency percentiles, and what it cost the
/// registry process (CPU from /proc/PID/stat, RSS from /proc/PID/status) and the load generator itself.
/// </summary>
public sealed record LoadFigures(string Name, int Clients, int Requests, double Seconds, double P50Ms, double P99Ms,
    double ServerCpuUsPerRequest, double ClientCpuUsPerRequest, double ServerRssMb, double ServerJitUsPerRequest = 0)
{
    public double PerSecond => Requests / Seconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-26} {Clients} cl {Requests,7} req {Seconds,5:0.0} s = {PerSecond,7:0} req/s  p50 {P50Ms,6:0.00} ms  p99 {P99Ms,6:0.00} ms  server {ServerCpuUsPerRequest,6:0} µs CPU/req (JIT {ServerJitUsPerRequest,4:0})  client {ClientCpuUsPerRequest,5:0} µs/req  RSS {ServerRssMb,5:0.0} MB");
}

/// <summary>CPU time (user + system) and RSS of a process, read from /proc.</summary>
public static class ProcStat
{
    static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

    /// <summary>utime + stime of the process, in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>
    /// Resident set size in MB (VmRSS), or one of its parts: RssAnon is the process's own memory (heap, JIT
    /// code, replay set); RssFile the pages of mapped files it touched (the runtime's and ASP.NET's code, shared with the page cache).
    /// </summary>
    public static double RssMb(int pid, string field = "VmRSS")
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>CPU seconds of the process's threads whose name starts so (".NET Tiered" : the tier-1 JIT, still busy in a young process).</summary>
    public static double ThreadCpuSeconds(int pid, string namePrefix)
    {
        var total = 0.0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(namePrefix, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (IOException) { } // the thread ended
        }
        return total;
    }

    public static double LoadAverage() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}

/// <summary>Runs requests from several concurrent clients and measures each call and the CPU both sides spent.</summary>
public static class LoadRun
{
    /// <summary>
    /// Sends requests 0..count-1 (each exactly once: pre-signed requests may not be replayed) from
    /// <paramref name="clients"/> concurrent clients, or until <paramref name="duration"/> when count is unbounded.
    /// </summary>
    public static async Task<LoadFigures> RunAsync(string name, int serverPid, int clients, int count, TimeSpan duration, Func<int, Task> request)
    {
        var latencies = new List<double>[clients];
        var next = -1;
        var serverCpu = ProcStat.CpuSeconds(serverPid);
        var serverJit = ProcStat.ThreadCpuSeconds(serverPid, ".NET Tiered");
        var clientCpu = ProcStat.CpuSeconds(Environment.ProcessId);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) break;
                var start = Stopwatch.GetTimestamp();
                await request(i);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var serverUsed = ProcStat.CpuSeconds(serverPid) - serverCpu;
        var jitUsed = ProcStat.ThreadCpuSeconds(serverPid, ".NET Tiered") - serverJit;
        var clientUsed = ProcStat.CpuSeconds(Environment.ProcessId) - clientCpu;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadFigures(name, clients, all.Length, seconds, Percentile(all, 0.50), Percentile(all, 0.99),
            serverUsed * 1e6 / all.Length, clientUsed * 1e6 / all.Length, ProcStat.RssMb(serverPid), jitUsed * 1e6 / all.Length);
    }

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
