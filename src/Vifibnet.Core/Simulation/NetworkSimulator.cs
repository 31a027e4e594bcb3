using System.Diagnostics;
using Vifibnet.Tunnels;

namespace Vifibnet.Simulation;

/// <summary>
/// Simulates a whole network running the daemon's tunnel policy: N nodes fill their peer DBs from a
/// registry that hands out random peers, open their client tunnels, then refresh them round after round;
/// each round is measured (hop counts, degrees, connectivity if a share of nodes failed).
/// Every node decision goes through <see cref="ITunnelPolicy.Decide"/>, the daemon's entry point.
/// </summary>
public sealed class NetworkSimulator(ITunnelPolicy? policy = null)
{
    /// <summary>The policy every simulated node runs; by default the daemon's <see cref="TunnelPolicy"/>.</summary>
    public ITunnelPolicy Policy { get; } = policy ?? new TunnelPolicy();

    public SimulationResult Run(SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancel = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        // One generator per purpose, so that e.g. sampling more BFS sources does not change the topology.
        var registry = SeededRandom.For(options.Seed, SeededRandom.Registry);
        var decisions = SeededRandom.For(options.Seed, SeededRandom.Policy);
        var sampling = SeededRandom.For(options.Seed, SeededRandom.Sampling);
        var failures = SeededRandom.For(options.Seed, SeededRandom.Failures);

        var net = new OverlayNetwork(options.Nodes, options.ClientTunnels, options.PeerListSize, options.PeerLists, options.IncomingLimit);
        net.AddPeerLists(registry, options.PeerListPick);
        var failed = options.FailRatios.Select(r => PickFailed(options.Nodes, r, failures)).ToList();

        var rounds = new List<RoundReport>();
        var counts = PolicyRound(net, options, refresh: false, tally: null, decisions, cancel);
        var (report, tally) = Measure(net, options, 0, counts, failed, sampling, cancel);
        rounds.Add(report);
        progress?.Report(new SimulationProgress("random start", 0, clock.Elapsed));
        for (var r = 1; r <= options.RefreshRounds; r++)
        {
            if (r % options.PeerDbRefreshRounds == 0) net.AddPeerLists(registry, options.PeerListPick);
            counts = PolicyRound(net, options, refresh: true, tally, decisions, cancel);
            (report, tally) = Measure(net, options, r, counts, failed, sampling, cancel);
            rounds.Add(report);
            progress?.Report(new SimulationProgress($"refresh round {r}", r, clock.Elapsed));
        }

        var repairs = new List<RepairReport>();
        for (var f = 0; f < failed.Count; f++)
        {
            repairs.Add(Repair(net.Clone(), options, options.FailRatios[f], failed[f],
                SeededRandom.For(options.Seed, SeededRandom.Repair + f), sampling, cancel));
            progress?.Report(new SimulationProgress($"repair after {options.FailRatios[f]:P0} failed", options.RefreshRounds, clock.Elapsed));
        }
        return new SimulationResult(options, rounds, repairs);
    }

    /// <summary>What a round of policy decisions did.</summary>
    record struct RoundCounts(long Closed, long Opened, long Refused);

    /// <summary>Retries of the quick repair after a refused tunnel, within one node's turn.</summary>
    const int RefusalRetries = 3;

    /// <summary>Every surviving node, in order, builds its PolicyInput and applies the policy's decision.</summary>
    RoundCounts PolicyRound(OverlayNetwork net, SimulationOptions options, bool refresh, RouteTally? tally,
        Random random, CancellationToken cancel)
    {
        var counts = new RoundCounts();
        var tunnels = new List<TunnelView>(net.PerNode);
        var candidates = new List<string>(net.PeerDbCapacity);
        var refused = new List<string>();
        for (var u = 0; u < net.NodeCount; u++)
        {
            if ((u & 1023) == 0) cancel.ThrowIfCancellationRequested();
            if (net.Failed[u]) continue;
            refused.Clear();
            Decide(net, options, u, refresh, tally, random, tunnels, candidates, refused, ref counts);
            // A peer whose servers are full refuses the tunnel; the opener sees it die at once and runs the
            // daemon's quick repair (Refresh = false) with it as a dead tunnel: closed, flagged, replaced.
            for (var retry = 0; retry < RefusalRetries && refused.Count > 0; retry++)
                Decide(net, options, u, refresh: false, tally, random, tunnels, candidates, refused, ref counts);
        }
        return counts;
    }

    void Decide(OverlayNetwork net, SimulationOptions options, int u, bool refresh, RouteTally? tally, Random random,
        List<TunnelView> tunnels, List<string> candidates, List<string> refused, ref RoundCounts counts)
    {
        tunnels.Clear();
        for (var s = 0; s < net.PerNode; s++)
        {
            var v = net.Tunnel(u, s);
            if (v < 0) continue;
            var id = u * net.PerNode + s;
            tunnels.Add(new TunnelView(net.Name(v), !net.Failed[v], tally?.RoutesCarried(id) ?? 0, tally?.TrafficOf(id) ?? 0));
        }
        foreach (var peer in refused) tunnels.Add(new TunnelView(peer, false, 0, 0));
        net.Candidates(u, candidates);
        var decision = Policy.Decide(
            new PolicyInput(tunnels.ToArray(), candidates.ToArray(), options.ConnectionCount, options.RefreshRate, refresh), random);
        foreach (var peer in decision.Close)
        {
            if (refused.Contains(peer)) continue;
            net.Close(u, peer);
            counts.Closed++;
        }
        foreach (var peer in decision.Flag) net.Flag(u, peer);
        refused.Clear();
        foreach (var peer in decision.Open)
        {
            if (net.Open(u, peer)) counts.Opened++;
            else
            {
                refused.Add(peer);
                counts.Refused++;
            }
        }
    }

    static (RoundReport, RouteTally) Measure(OverlayNetwork net, SimulationOptions options, int round, RoundCounts counts,
        List<bool[]> failed, Random sampling, CancellationToken cancel)
    {
        var graph = net.ToGraph();
        var sources = Sources(net.NodeCount, null, options, sampling);
        var tally = new RouteTally(net.NodeCount * net.PerNode) { Scale = (double)net.NodeCount / sources.Length };
        if (sources.Length == net.NodeCount) tally.Scale = 1;
        var hops = GraphMetrics.Hops(graph, sources, null, tally, options.Parallelism, cancel);
        var reports = failed.Select((removed, i) => new FailureReport(options.FailRatios[i], removed.Count(x => x),
            GraphMetrics.Components(graph, removed))).ToList();
        return (new RoundReport(round, hops, GraphMetrics.Degrees(graph), counts.Closed, counts.Opened, counts.Refused, reports), tally);
    }

    /// <summary>The failure happens for real: survivors run quick repairs (Refresh = false) until nothing changes.</summary>
    RepairReport Repair(OverlayNetwork net, SimulationOptions options, double ratio, bool[] failed, Random random,
        Random sampling, CancellationToken cancel)
    {
        for (var u = 0; u < net.NodeCount; u++)
            if (failed[u]) net.Fail(u);
        var passes = 0;
        long dead = 0;
        while (passes < options.RepairPasses)
        {
            var deadNow = CountDead(net);
            var counts = PolicyRound(net, options, refresh: false, tally: null, random, cancel);
            if (counts is { Closed: 0, Opened: 0, Refused: 0 }) break;
            dead += deadNow;
            passes++;
        }
        var graph = net.ToGraph();
        var sources = Sources(net.NodeCount, failed, options, sampling);
        return new RepairReport(ratio, passes, dead, GraphMetrics.Components(graph, failed),
            GraphMetrics.Hops(graph, sources, failed, null, options.Parallelism, cancel), GraphMetrics.Degrees(graph, failed));
    }

    static long CountDead(OverlayNetwork net)
    {
        long dead = 0;
        for (var u = 0; u < net.NodeCount; u++)
        {
            if (net.Failed[u]) continue;
            for (var s = 0; s < net.PerNode; s++)
                if (net.Tunnel(u, s) is var v and >= 0 && net.Failed[v]) dead++;
        }
        return dead;
    }

    /// <summary>Every surviving node if the network is small enough, else a fresh random sample of them.</summary>
    static int[] Sources(int nodes, bool[]? removed, SimulationOptions options, Random sampling)
    {
        var alive = Enumerable.Range(0, nodes).Where(u => removed is null || !removed[u]).ToArray();
        if (alive.Length <= options.ExactUpTo || alive.Length <= options.SampleSources) return alive;
        for (var i = 0; i < options.SampleSources; i++)
        {
            var j = sampling.Next(i, alive.Length);
            (alive[i], alive[j]) = (alive[j], alive[i]);
        }
        return alive[..options.SampleSources];
    }

    static bool[] PickFailed(int nodes, double ratio, Random random)
    {
        var order = Enumerable.Range(0, nodes).ToArray();
        var count = (int)Math.Round(ratio * nodes);
        var failed = new bool[nodes];
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, nodes);
            (order[i], order[j]) = (order[j], order[i]);
            failed[order[i]] = true;
        }
        return failed;
    }
}
