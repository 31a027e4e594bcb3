namespace Vifibnet.Simulation;

/// <summary>One worker's BFS scratch space (reused across sources) and its running totals.</summary>
sealed class BreadthFirstSearch
{
    readonly AdjacencyGraph graph;
    readonly bool[]? removed;
    readonly int survivors;
    readonly int[] distance, parent, parentEntry, queue, subtree;

    public BreadthFirstSearch(AdjacencyGraph graph, bool[]? removed, RouteTally? tally)
    {
        this.graph = graph;
        this.removed = removed;
        Tally = tally;
        var n = graph.NodeCount;
        distance = new int[n];
        parent = new int[n];
        parentEntry = new int[n];
        queue = new int[n];
        subtree = tally is null ? [] : new int[n];
        Array.Fill(distance, -1);
        survivors = n;
        if (removed is not null)
            foreach (var r in removed) if (r) survivors--;
    }

    public RouteTally? Tally { get; }
    public long HopSum { get; private set; }
    public long Pairs { get; private set; }
    public long Unreachable { get; private set; }
    public int MaxHops { get; private set; }

    /// <summary>Distances from one source; adds to the totals, and to the tally if there is one. Returns the source's mean distance.</summary>
    public double Run(int source)
    {
        int head = 0, tail = 0;
        queue[tail++] = source;
        distance[source] = 0;
        while (head < tail)
        {
            var u = queue[head++];
            var next = distance[u] + 1;
            for (int e = graph.Start(u), end = graph.Start(u + 1); e < end; e++)
            {
                var v = graph.Target(e);
                if (distance[v] >= 0 || (removed is not null && removed[v])) continue;
                distance[v] = next;
                parent[v] = u;
                parentEntry[v] = e;
                queue[tail++] = v;
            }
        }
        var far = distance[queue[tail - 1]];
        if (far > MaxHops) MaxHops = far;
        long sum = 0;
        for (var i = 1; i < tail; i++) sum += distance[queue[i]];
        HopSum += sum;
        Pairs += tail - 1;
        Unreachable += survivors - tail;
        if (Tally is not null) CountRoutes(tail);
        for (var i = 0; i < tail; i++) distance[queue[i]] = -1;
        return tail > 1 ? (double)sum / (tail - 1) : 0;
    }

    // The BFS tree from the source is, read backwards, every node's next hop towards it: the node
    // routes to the source through its parent edge, and that edge carries the node's whole subtree.
    void CountRoutes(int reached)
    {
        for (var i = 0; i < reached; i++) subtree[queue[i]] = 1;
        for (var i = reached - 1; i > 0; i--)
        {
            var v = queue[i];
            var tunnel = graph.Tunnel(parentEntry[v]);
            // The entry is the parent's: a negative id means v opened this tunnel, so it is one of v's
            // client tunnels and carries v's route to the source.
            var id = tunnel >= 0 ? tunnel : ~tunnel;
            if (tunnel < 0) Tally!.Routes[id]++;
            Tally!.Traffic[id] += subtree[v];
            subtree[parent[v]] += subtree[v];
        }
    }
}
