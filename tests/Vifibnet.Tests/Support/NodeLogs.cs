using Xunit.Abstractions;

namespace Vifibnet.Tests.Support;

/// <summary>The last lines of each node's logs, for the test output when something fails.</summary>
public static class NodeLogs
{
    /// <summary>Writes the tail of every *.log in each node directory (dirs[n] is node n's; null entries are skipped).</summary>
    public static void Dump(ITestOutputHelper output, string?[] dirs)
    {
        for (var n = 1; n < dirs.Length; n++)
        {
            if (dirs[n] is not { } dir) continue;
            foreach (var log in Directory.EnumerateFiles(dir, "*.log").Order())
                output.WriteLine($"--- node {n} {Path.GetFileName(log)} (tail)\n{Tail(log)}");
        }
    }

    /// <summary>
    /// The last lines of a log that say what happened: DEBUG lines left out (at -v 3 the peer exchange's
    /// "answered" lines alone would fill the tail and hide why a node did not get its tunnels).
    /// </summary>
    public static string Tail(string path, int lines = 25) =>
        string.Join('\n', File.ReadAllLines(path).Where(SaysWhatHappened).TakeLast(lines));

    /// <summary>A log's lines that say what happened (as <see cref="Tail"/>) stamped between two UTC times (the log writes UTC).</summary>
    public static IEnumerable<string> Between(string path, DateTimeOffset from, DateTimeOffset to) =>
        File.ReadAllLines(path).Where(l => SaysWhatHappened(l) && l.Length > 23
            && DateTimeOffset.TryParseExact(l[..23], "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var at) && at >= from && at <= to);

    static bool SaysWhatHappened(string line) => !line.Contains(" DEBUG ", StringComparison.Ordinal);
}
