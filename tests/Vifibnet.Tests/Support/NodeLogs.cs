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
        string.Join('\n', File.ReadAllLines(path).Where(l => !l.Contains(" DEBUG ", StringComparison.Ordinal)).TakeLast(lines));
}
