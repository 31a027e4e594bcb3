using System.Globalization;
using System.Text;
using Vifibnet.Lab;

namespace Vifibnet.Cli.Commands;

/// <summary>
/// Prints a demo run for a person watching: phases, a status line when something changes, and the
/// all-pairs matrix (redrawn in place on a terminal, printed at the end of each phase otherwise).
/// </summary>
public sealed class DemoView(TextWriter w, bool interactive)
{
    string lastStatus = "";
    int drawnLines;
    MeshSnapshot? last;

    public void Show(DemoEvent e)
    {
        lock (this)
        {
            switch (e.Kind)
            {
                case DemoEventKind.PhaseStarted:
                    drawnLines = 0;
                    lastStatus = "";
                    w.WriteLine();
                    w.WriteLine($"== {e.Phase}: {e.Text}");
                    break;
                case DemoEventKind.Snapshot:
                    last = e.Snapshot!;
                    ShowSnapshot(e.Phase, e.Snapshot!);
                    break;
                case DemoEventKind.PhaseDone:
                    if (!interactive && last is not null && e.Phase is not ("registry" or "register")) WriteBlock(Matrix(last));
                    drawnLines = 0;
                    last = null;
                    w.WriteLine($"   done in {Seconds(e.Elapsed!.Value)}: {e.Text}");
                    break;
                case DemoEventKind.Note:
                    w.WriteLine();
                    foreach (var line in e.Text.Split('\n')) w.WriteLine($"   {line}");
                    break;
            }
            w.Flush();
        }
    }

    void ShowSnapshot(string phase, MeshSnapshot s)
    {
        var running = s.Nodes.Where(n => n.Running).ToList();
        var routes = running.Sum(n => n.RoutesLearned);
        var routesWanted = running.Count * (s.Nodes.Count - 1);
        var status = $"tunnels {(s.TunnelsUp + 1) / 2,3}   routes {routes}/{routesWanted}   pairs answering {s.Answered}/{s.Pairs}";
        if (interactive)
        {
            // Redraw the block in place: cursor up over what we drew last time.
            if (drawnLines > 0) w.Write($"\u001b[{drawnLines}A");
            var block = new List<string> { $"[{Seconds(s.Elapsed),7}] {status}" };
            block.AddRange(Matrix(s));
            foreach (var line in block) w.WriteLine(line + "\u001b[K");
            drawnLines = block.Count;
            return;
        }
        if (status == lastStatus) return;
        lastStatus = status;
        w.WriteLine($"[{Seconds(s.Elapsed),7}] {status}");
    }

    void WriteBlock(IEnumerable<string> lines)
    {
        foreach (var line in lines) w.WriteLine(line);
    }

    /// <summary>One row per node: 'o' answers, '.' does not, '-' itself, 'x' stopped; then its tunnels and routes.</summary>
    static IEnumerable<string> Matrix(MeshSnapshot s)
    {
        var n = s.Nodes.Count;
        var header = new StringBuilder("        ");
        for (var b = 1; b <= n; b++) header.Append(CultureInfo.InvariantCulture, $"{b,3}");
        header.Append("   tunnels routes");
        yield return header.ToString();
        foreach (var node in s.Nodes)
        {
            var row = new StringBuilder($"   n{node.Number,-3} ");
            for (var b = 1; b <= n; b++)
            {
                var target = s.Nodes[b - 1];
                var c = b == node.Number ? '-' : !node.Running || !target.Running ? 'x' : s.Matrix[node.Number, b] ? 'o' : '.';
                row.Append("  ").Append(c);
            }
            row.Append(node.Running ? $"   {node.TunnelsUp,7} {node.RoutesLearned,3}/{n - 1}" : "   stopped");
            yield return row.ToString();
        }
    }

    static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
