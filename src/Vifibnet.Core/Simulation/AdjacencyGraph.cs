namespace Vifibnet.Simulation;

/// <summary>
/// An undirected graph in compressed sparse rows: int arrays only, so 100,000 nodes with 20 tunnels each
/// fit in a few tens of MiB. Each entry also says which client tunnel it is, so shortest-path trees can
/// be turned into "routes carried per tunnel".
/// </summary>
public sealed class AdjacencyGraph
{
    readonly int[] offsets;
    readonly int[] targets;
    readonly int[] tunnels;

    AdjacencyGraph(int[] offsets, int[] targets, int[] tunnels)
    {
        this.offsets = offsets;
        this.targets = targets;
        this.tunnels = tunnels;
    }

    public int NodeCount => offsets.Length - 1;

    /// <summary>Undirected edges (tunnels).</summary>
    public int EdgeCount => targets.Length / 2;

    public int Degree(int node) => offsets[node + 1] - offsets[node];

    /// <summary>Entries of <paramref name="node"/> are <c>[Start(node), Start(node + 1))</c>.</summary>
    internal int Start(int node) => offsets[node];

    internal int Target(int entry) => targets[entry];

    /// <summary>The tunnel id of an entry: <c>id</c> if the entry's node opened it (it is that node's client tunnel), <c>~id</c> if the neighbour did.</summary>
    internal int Tunnel(int entry) => tunnels[entry];

    /// <summary>A graph from undirected edges; edge i is tunnel i, opened by its first node.</summary>
    public static AdjacencyGraph FromEdges(int nodeCount, IReadOnlyList<(int A, int B)> edges)
    {
        var ids = new int[edges.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = i;
        return Build(nodeCount, edges.Count, i => edges[i], i => ids[i]);
    }

    /// <summary>
    /// A graph from client tunnel slots: <c>slots[u * perNode + s]</c> is the peer node u opened tunnel s to,
    /// or -1; the tunnel's id is its slot index.
    /// </summary>
    public static AdjacencyGraph FromClientSlots(int nodeCount, int perNode, int[] slots)
    {
        if (slots.Length != nodeCount * perNode)
            throw new ArgumentException($"expected {nodeCount} x {perNode} slots, got {slots.Length}", nameof(slots));
        var used = new List<int>(slots.Length);
        for (var i = 0; i < slots.Length; i++)
            if (slots[i] >= 0) used.Add(i);
        return Build(nodeCount, used.Count, k => (used[k] / perNode, slots[used[k]]), k => used[k]);
    }

    static AdjacencyGraph Build(int nodeCount, int edgeCount, Func<int, (int A, int B)> edge, Func<int, int> tunnelId)
    {
        var offsets = new int[nodeCount + 1];
        for (var i = 0; i < edgeCount; i++)
        {
            var (a, b) = edge(i);
            if ((uint)a >= (uint)nodeCount || (uint)b >= (uint)nodeCount || a == b)
                throw new ArgumentException($"edge {i} ({a}, {b}) is a loop or names a node outside 0..{nodeCount - 1}");
            offsets[a + 1]++;
            offsets[b + 1]++;
        }
        for (var n = 0; n < nodeCount; n++) offsets[n + 1] += offsets[n];
        var fill = offsets[..^1];
        var targets = new int[offsets[nodeCount]];
        var tunnels = new int[targets.Length];
        for (var i = 0; i < edgeCount; i++)
        {
            var (a, b) = edge(i);
            var id = tunnelId(i);
            targets[fill[a]] = b;
            tunnels[fill[a]++] = id;
            targets[fill[b]] = a;
            tunnels[fill[b]++] = ~id;
        }
        return new AdjacencyGraph(offsets, targets, tunnels);
    }
}
