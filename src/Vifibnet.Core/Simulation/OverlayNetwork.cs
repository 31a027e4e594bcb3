namespace Vifibnet.Simulation;

/// <summary>
/// The simulated network's state in flat int arrays: each node's client tunnel slots and its peer DB.
/// A node's server-side tunnels are the other nodes' client tunnels to it.
/// </summary>
sealed class OverlayNetwork
{
    readonly int[] client;
    readonly int[] incoming;
    readonly int[] peerDb;      // per node a row of PeerDbCapacity: merged peer lists, -1 = empty or flagged
    readonly int[] peerDbFill;  // entries used in each row
    readonly string[] names;

    // peerLists: how many peer lists each node merges into its DB over the run; it sizes the DB rows.
    public OverlayNetwork(int nodes, int clientTunnels, int peerListSize, int peerLists, int maxIncoming)
    {
        NodeCount = nodes;
        PerNode = clientTunnels;
        MaxIncoming = maxIncoming;
        incoming = new int[nodes];
        PeerListSize = Math.Min(peerListSize, nodes - 1);
        PeerDbCapacity = (int)Math.Min((long)PeerListSize * peerLists, nodes - 1);
        client = new int[nodes * clientTunnels];
        Array.Fill(client, -1);
        peerDb = new int[nodes * PeerDbCapacity];
        Array.Fill(peerDb, -1);
        peerDbFill = new int[nodes];
        Failed = new bool[nodes];
        // Node prefixes in binary, as the daemon sees peers: at least the default 16 bits, more when needed.
        var width = Math.Max(16, 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(nodes - 1)));
        names = new string[nodes];
        for (var i = 0; i < nodes; i++) names[i] = Convert.ToString(i, 2).PadLeft(width, '0');
    }

    OverlayNetwork(OverlayNetwork from)
    {
        NodeCount = from.NodeCount;
        PerNode = from.PerNode;
        MaxIncoming = from.MaxIncoming;
        incoming = (int[])from.incoming.Clone();
        PeerListSize = from.PeerListSize;
        PeerDbCapacity = from.PeerDbCapacity;
        client = (int[])from.client.Clone();
        peerDb = (int[])from.peerDb.Clone();
        peerDbFill = (int[])from.peerDbFill.Clone();
        Failed = (bool[])from.Failed.Clone();
        names = from.names;
    }

    public int NodeCount { get; }
    public int PerNode { get; }
    /// <summary>Peers per registry answer.</summary>
    public int PeerListSize { get; }

    /// <summary>Most peers a node's DB can hold over the run.</summary>
    public int PeerDbCapacity { get; }

    /// <summary>Server-side tunnels a node accepts (0 = no limit).</summary>
    public int MaxIncoming { get; }
    public bool[] Failed { get; }

    public OverlayNetwork Clone() => new(this);

    public string Name(int node) => names[node];

    public int Tunnel(int node, int slot) => client[node * PerNode + slot];

    public AdjacencyGraph ToGraph() => AdjacencyGraph.FromClientSlots(NodeCount, PerNode, client);

    /// <summary>
    /// Every node asks the registry for a peer list (PeerListSize peers other than itself) and merges it
    /// into its peer DB, as the daemon's peer DB refresh does: peers it already knows are not added twice.
    /// </summary>
    public void AddPeerLists(Random registry, PeerListPick pick)
    {
        var drawn = new int[NodeCount];   // == token: in this answer
        var known = new int[NodeCount];   // == token: already in the DB
        var token = 0;
        // Window: everyone declared once since the last refresh, so the registry's key order is a fresh permutation.
        var order = pick == PeerListPick.Window ? Permutation(registry) : null;
        for (var u = 0; u < NodeCount; u++)
        {
            token++;
            var row = u * PeerDbCapacity;
            for (var i = 0; i < peerDbFill[u]; i++)
                if (peerDb[row + i] >= 0) known[peerDb[row + i]] = token;
            drawn[u] = token;
            var next = order is null ? 0 : registry.Next(NodeCount);
            for (var n = 0; n < PeerListSize && peerDbFill[u] < PeerDbCapacity;)
            {
                int v;
                if (order is not null) v = order[next++ % NodeCount];
                else if (PeerListSize == NodeCount - 1) v = (u + 1 + n) % NodeCount; // the registry knows no more than asked
                else v = registry.Next(NodeCount);
                if (drawn[v] == token) continue;
                drawn[v] = token;
                n++;
                if (known[v] == token) continue;
                known[v] = token;
                peerDb[row + peerDbFill[u]++] = v;
            }
        }
    }

    int[] Permutation(Random random)
    {
        var order = new int[NodeCount];
        for (var i = 0; i < NodeCount; i++) order[i] = i;
        random.Shuffle(order);
        return order;
    }

    /// <summary>True if u and v share a tunnel, whichever of them opened it.</summary>
    public bool Connected(int u, int v)
    {
        for (var s = 0; s < PerNode; s++)
            if (client[u * PerNode + s] == v || client[v * PerNode + s] == u) return true;
        return false;
    }

    /// <summary>The daemon's candidates: peers in our DB, not us, not flagged, not already tunnelled to either way.</summary>
    public void Candidates(int u, List<string> into)
    {
        into.Clear();
        for (var i = u * PeerDbCapacity; i < u * PeerDbCapacity + peerDbFill[u]; i++)
        {
            var v = peerDb[i];
            if (v >= 0 && v != u && !Connected(u, v)) into.Add(names[v]);
        }
    }

    public void Close(int u, string peer)
    {
        var v = NodeOf(peer);
        for (var s = u * PerNode; s < (u + 1) * PerNode; s++)
            if (client[s] == v)
            {
                client[s] = -1;
                incoming[v]--;
                return;
            }
        throw new SimulationException($"the policy closed a tunnel from {names[u]} to {peer}, which node {names[u]} does not have");
    }

    /// <summary>
    /// Flagging a dead peer: it leaves the node's peer DB until a later peer list brings it back. (The daemon
    /// flags for 10 minutes; a failed node stays dead, so for it the two agree.)
    /// </summary>
    public void Flag(int u, string peer)
    {
        var v = NodeOf(peer);
        for (var i = u * PeerDbCapacity; i < u * PeerDbCapacity + peerDbFill[u]; i++)
            if (peerDb[i] == v) peerDb[i] = -1;
    }

    /// <summary>Opens a tunnel; false if the peer's servers are full (openvpn --max-clients) and refused it.</summary>
    public bool Open(int u, string peer)
    {
        var v = NodeOf(peer);
        if (v == u || Connected(u, v) || Array.IndexOf(peerDb, v, u * PeerDbCapacity, peerDbFill[u]) < 0)
            throw new SimulationException($"the policy opened a tunnel from {names[u]} to {peer}, which was not a candidate");
        if (MaxIncoming > 0 && incoming[v] >= MaxIncoming) return false;
        for (var s = u * PerNode; s < (u + 1) * PerNode; s++)
            if (client[s] < 0)
            {
                client[s] = v;
                incoming[v]++;
                return true;
            }
        throw new SimulationException($"the policy opened more than {PerNode} client tunnels on {names[u]}");
    }

    /// <summary>A failed node is gone: its own client tunnels go with it (its peers' tunnels to it stay, dead).</summary>
    public void Fail(int u)
    {
        Failed[u] = true;
        for (var s = u * PerNode; s < (u + 1) * PerNode; s++)
            if (client[s] >= 0) incoming[client[s]]--;
        Array.Fill(client, -1, u * PerNode, PerNode);
    }

    int NodeOf(string peer)
    {
        var v = peer.Length == names[0].Length && peer.All(c => c is '0' or '1') ? Convert.ToInt32(peer, 2) : -1;
        if (v < 0 || v >= NodeCount) throw new SimulationException($"the policy named peer '{peer}', which is not a node prefix of this network");
        return v;
    }
}
