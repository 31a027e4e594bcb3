using System.Globalization;

namespace Vifibnet.Lab;

/// <summary>
/// One process's peak resident memory, its proportional set size now (PSS: pages shared with the other
/// nodes' processes, the runtime's and libraries' files, counted once in all) and CPU time so far, from /proc.
/// </summary>
public sealed record ProcessUsage(int Pid, string Name, double PeakRssMb, double CpuSeconds, double AgeSeconds)
{
    public double PssMb { get; init; }

    static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Average share of one core over the process's life.</summary>
    public double CpuPercent => AgeSeconds > 0 ? 100 * CpuSeconds / AgeSeconds : 0;

    public static ProcessUsage? Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var name = status.First(l => l.StartsWith("Name:", StringComparison.Ordinal))[5..].Trim();
            var hwm = status.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var peakKb = hwm is null ? 0 : double.Parse(hwm[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            // Fields after the command name (which may hold spaces) start after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var utime = double.Parse(fields[11], CultureInfo.InvariantCulture);
            var stime = double.Parse(fields[12], CultureInfo.InvariantCulture);
            var start = double.Parse(fields[19], CultureInfo.InvariantCulture) / TicksPerSecond;
            var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
            // The node runs as the vifibnet apphost or as `dotnet vifibnet.dll`.
            if (name == "dotnet") name = "vifibnet";
            var pss = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            var pssKb = pss is null ? 0 : double.Parse(pss[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return new ProcessUsage(pid, name, peakKb / 1024, (utime + stime) / TicksPerSecond, uptime - start) { PssMb = pssKb / 1024 };
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null; // it ended meanwhile
        }
    }

    /// <summary>The 1-minute load average (other work on this machine skews every figure).</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
