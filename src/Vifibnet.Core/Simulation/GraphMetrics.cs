using System.Collections.Concurrent;

namespace Vifibnet.Simulation;

/// <summary>
/// The measurements the simulator reports, usable on any <see cref="AdjacencyGraph"/> (the tests check them on
/// rings, stars and complete graphs). <c>removed</c> marks failed nodes: they and their tunnels do not count.
/// </summary>
public static class GraphMetrics
{
    /// <summary>
    /// BFS from each source. With a tally, also counts routes carried and traffic per tunnel (the sources
    /// then act as destinations: in an undirected graph the BFS tree from d gives every node's next hop to d).
    /// Runs sources in parallel; the totals are integer sums, so the result does not depend on scheduling.
    /// </summary>
    public static HopStatistics Hops(AdjacencyGraph graph, IReadOnlyList<int> sources, bool[]? removed = null,
        RouteTally? tally = null, int parallelism = 1, CancellationToken cancel = default)
    {
        foreach (var s in sources)
            if ((uint)s >= (uint)graph.NodeCount || (removed is not null && removed[s]))
                throw new ArgumentException($"source {s} is outside the graph or removed", nameof(sources));
        if (sources.Count == 0) return new HopStatistics(0, 0, 0, Survivors(graph, removed) == 0, 0, 0);
        var workers = new ConcurrentBag<BreadthFirstSearch>();
        var perSource = new double[sources.Count]; // by position, so the spread is computed in a fixed order
        var chunk = Math.Max(1, sources.Count / (4 * Math.Max(1, parallelism)));
        Parallel.ForEach(Partitioner.Create(0, sources.Count, chunk),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancel },
            () => new BreadthFirstSearch(graph, removed, tally is null ? null : new RouteTally(tally.Routes.Length)),
            (range, _, bfs) =>
            {
                for (var i = range.Item1; i < range.Item2; i++) perSource[i] = bfs.Run(sources[i]);
                return bfs;
            },
            workers.Add);

        long sum = 0, pairs = 0, unreachable = 0;
        var max = 0;
        foreach (var w in workers)
        {
            sum += w.HopSum;
            pairs += w.Pairs;
            unreachable += w.Unreachable;
            max = Math.Max(max, w.MaxHops);
            if (tally is not null) tally.Add(w.Tally!);
        }
        var exact = sources.Count == Survivors(graph, removed);
        return new HopStatistics(pairs == 0 ? 0 : (double)sum / pairs, max, sources.Count, exact, unreachable,
            exact ? 0 : StandardError(perSource));
    }

    /// <summary>Degree spread over the surviving nodes, counting only tunnels to survivors.</summary>
    public static DegreeStatistics Degrees(AdjacencyGraph graph, bool[]? removed = null)
    {
        int min = int.MaxValue, max = 0, count = 0;
        long total = 0;
        for (var u = 0; u < graph.NodeCount; u++)
        {
            if (removed is not null && removed[u]) continue;
            var d = 0;
            for (int e = graph.Start(u), end = graph.Start(u + 1); e < end; e++)
                if (removed is null || !removed[graph.Target(e)]) d++;
            min = Math.Min(min, d);
            max = Math.Max(max, d);
            total += d;
            count++;
        }
        return count == 0 ? new DegreeStatistics(0, 0, 0) : new DegreeStatistics(min, (double)total / count, max);
    }

    /// <summary>Connected components among survivors (union-find over the surviving tunnels; exact).</summary>
    public static Connectivity Components(AdjacencyGraph graph, bool[]? removed = null)
    {
        var n = graph.NodeCount;
        var root = new int[n];
        for (var i = 0; i < n; i++) root[i] = i;
        for (var u = 0; u < n; u++)
        {
            if (removed is not null && removed[u]) continue;
            for (int e = graph.Start(u), end = graph.Start(u + 1); e < end; e++)
            {
                var v = graph.Target(e);
                if (v < u || (removed is not null && removed[v])) continue;
                int a = Find(root, u), b = Find(root, v);
                if (a != b) root[Math.Max(a, b)] = Math.Min(a, b);
            }
        }
        var size = new int[n];
        for (var u = 0; u < n; u++)
            if (removed is null || !removed[u]) size[Find(root, u)]++;
        long connectedPairs = 0;
        int largest = 0, components = 0, survivors = 0;
        foreach (var s in size)
        {
            if (s == 0) continue;
            components++;
            survivors += s;
            largest = Math.Max(largest, s);
            connectedPairs += (long)s * (s - 1) / 2;
        }
        var allPairs = (long)survivors * (survivors - 1) / 2;
        return new Connectivity(survivors, allPairs == 0 ? 1 : (double)connectedPairs / allPairs, largest, components);
    }

    /// <summary>Standard error of the mean over sampled sources: how far a sampled average may be from the exact one.</summary>
    static double StandardError(double[] values)
    {
        if (values.Length < 2) return 0;
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return Math.Sqrt(variance / values.Length);
    }

    static int Find(int[] root, int x)
    {
        while (root[x] != x)
        {
            root[x] = root[root[x]];
            x = root[x];
        }
        return x;
    }

    static int Survivors(AdjacencyGraph graph, bool[]? removed)
    {
        if (removed is null) return graph.NodeCount;
        var alive = 0;
        for (var i = 0; i < graph.NodeCount; i++) if (!removed[i]) alive++;
        return alive;
    }
}
