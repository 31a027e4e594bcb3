namespace Vifibnet.Simulation;

/// <summary>
/// The simulated network's state in flat int arrays: each node's client tunnel slots and its peer DB.
/// A node's server-side tunnels are the other nodes' client tunnels to it.
/// </summary>
sealed class OverlayNetwork
{
    readonly int[] client;
    readonly int[] incoming;
    readonly int[] peerDb;
    readonly string[] names;

    public OverlayNetwork(int nodes, int clientTunnels, int peerDbSize, int maxIncoming)
    {
        NodeCount = nodes;
        PerNode = clientTunnels;
        MaxIncoming = maxIncoming;
        incoming = new int[nodes];
        PeerDbSize = Math.Min(peerDbSize, nodes - 1);
        client = new int[nodes * clientTunnels];
        Array.Fill(client, -1);
        peerDb = new int[nodes * PeerDbSize];
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
        PeerDbSize = from.PeerDbSize;
        client = (int[])from.client.Clone();
        peerDb = (int[])from.peerDb.Clone();
        Failed = (bool[])from.Failed.Clone();
        names = from.names;
    }

    public int NodeCount { get; }
    public int PerNode { get; }
    public int PeerDbSize { get; }

    /// <summary>Server-side tunnels a node accepts (0 = no limit).</summary>
    public int MaxIncoming { get; }
    public bool[] Failed { get; }

    public OverlayNetwork Clone() => new(this);

    public string Name(int node) => names[node];

    public int Tunnel(int node, int slot) => client[node * PerNode + slot];

    public AdjacencyGraph ToGraph() => AdjacencyGraph.FromClientSlots(NodeCount, PerNode, client);

    /// <summary>Every node asks the registry for a peer list: PeerDbSize random peers other than itself.</summary>
    public void FillPeerDbs(Random registry)
    {
        var stamp = new int[NodeCount];
        for (var u = 0; u < NodeCount; u++)
        {
            var row = u * PeerDbSize;
            if (PeerDbSize == NodeCount - 1)
            {
                for (int v = 0, i = 0; v < NodeCount; v++) if (v != u) peerDb[row + i++] = v;
                continue;
            }
            stamp[u] = u + 1;
            for (var i = 0; i < PeerDbSize;)
            {
                var v = registry.Next(NodeCount);
                if (stamp[v] == u + 1) continue;
                stamp[v] = u + 1;
                peerDb[row + i++] = v;
            }
        }
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
        for (var i = u * PeerDbSize; i < (u + 1) * PeerDbSize; i++)
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

    /// <summary>Flagging a dead peer: it leaves the node's peer DB, so it is never a candidate again.</summary>
    public void Flag(int u, string peer)
    {
        var v = NodeOf(peer);
        for (var i = u * PeerDbSize; i < (u + 1) * PeerDbSize; i++)
            if (peerDb[i] == v) peerDb[i] = -1;
    }

    /// <summary>Opens a tunnel; false if the peer's servers are full (openvpn --max-clients) and refused it.</summary>
    public bool Open(int u, string peer)
    {
        var v = NodeOf(peer);
        if (v == u || Connected(u, v) || Array.IndexOf(peerDb, v, u * PeerDbSize, PeerDbSize) < 0)
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
