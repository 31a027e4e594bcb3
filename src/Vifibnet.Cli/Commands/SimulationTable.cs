using Vifibnet.Simulation;

namespace Vifibnet.Cli.Commands;

/// <summary>The human-readable form of a simulation result.</summary>
static class SimulationTable
{
    public static void Print(SimulationResult result, TextWriter w)
    {
        var o = result.Options;
        var first = result.Rounds[0].Hops;
        w.WriteLine($"{o.Nodes} nodes, connection count {o.ConnectionCount} ({o.ClientTunnels} client tunnels each), " +
            $"refresh rate {o.RefreshRate}, peer lists of {o.PeerListSize} ({o.PeerListPick.ToString().ToLowerInvariant()}), max incoming {(o.IncomingLimit == 0 ? "unlimited" : o.IncomingLimit)}, seed {o.Seed}");
        w.WriteLine(first.Exact ? "hops: exact (every node a BFS source)" : $"hops: sampled, {first.Sources} random BFS sources per round (avg hops +- {first.StandardError:F3} standard error; max hops is a lower bound)");
        var failing = o.FailRatios.Count > 0;
        w.WriteLine("round  avg hops  max hops  degree min/mean/max  closed  opened  refused" +
            (failing ? $"  with {o.FailRatios[0]:P0} failed: connected pairs, largest component" : ""));
        foreach (var r in result.Rounds)
        {
            var line = $"{r.Round,5}  {r.Hops.AverageHops,8:F3}  {r.Hops.MaxHops,8}  {r.Degree.Min,5}/{r.Degree.Mean,6:F2}/{r.Degree.Max,-5}  {r.TunnelsClosed,6}  {r.TunnelsOpened,6}  {r.TunnelsRefused,7}";
            if (failing)
            {
                var s = r.Failures[0].Survivors;
                line += $"  {s.ConnectedPairsRatio,8:F5}, {s.LargestComponent} of {s.Survivors}";
            }
            w.WriteLine(line);
        }
        foreach (var a in result.Repairs)
            w.WriteLine($"after {a.Ratio:P0} failed and {a.Passes} repair passes ({a.DeadTunnelsClosed} dead tunnels replaced): " +
                $"connected pairs {a.Survivors.ConnectedPairsRatio:F5}, largest component {a.Survivors.LargestComponent} of {a.Survivors.Survivors}, " +
                $"avg hops {a.Hops.AverageHops:F3}, max {a.Hops.MaxHops}, degree {a.Degree.Min}/{a.Degree.Mean:F2}/{a.Degree.Max}");
    }
}
