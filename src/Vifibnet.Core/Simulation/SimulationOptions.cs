using Vifibnet.Tunnels;

namespace Vifibnet.Simulation;

/// <summary>What to simulate. Defaults are the daemon's defaults where the daemon has one.</summary>
public sealed record SimulationOptions
{
    /// <summary>Nodes in the network.</summary>
    public required int Nodes { get; init; }

    /// <summary>The daemon's --connection-count K: each node opens ceil(K/2) client tunnels.</summary>
    public int ConnectionCount { get; init; } = 20;

    /// <summary>Tunnel refresh rounds after the random start (one round = one --tunnel-refresh tick).</summary>
    public int RefreshRounds { get; init; } = 10;

    /// <summary>The daemon's --refresh-rate.</summary>
    public double RefreshRate { get; init; } = 0.05;

    /// <summary>Shares of nodes to fail (each an independent random set, the same set in every round).</summary>
    public IReadOnlyList<double> FailRatios { get; init; } = [];

    public int Seed { get; init; } = 1;

    /// <summary>Peers per peer-list request: the daemon asks for 100 (PeerUpdater.PeerListSize) and merges them into its DB.</summary>
    public int PeerListSize { get; init; } = 100;

    /// <summary>How the registry picks the peers of a list (the project's registry: <see cref="PeerListPick.Window"/>).</summary>
    public PeerListPick PeerListPick { get; init; } = PeerListPick.Uniform;

    /// <summary>Rounds between peer DB refreshes: --peers-db-refresh / --tunnel-refresh = 3600 / 300.</summary>
    public int PeerDbRefreshRounds { get; init; } = 12;

    /// <summary>Networks up to this size are measured exactly (every node a BFS source).</summary>
    public int ExactUpTo { get; init; } = 2048;

    /// <summary>BFS sources per measurement above <see cref="ExactUpTo"/>: random nodes, drawn afresh each round.</summary>
    public int SampleSources { get; init; } = 256;

    /// <summary>Quick-repair passes after the failure (each pass = dead tunnels noticed, replaced).</summary>
    public int RepairPasses { get; init; } = 10;

    /// <summary>
    /// Server-side tunnels a node accepts: the daemon runs one openvpn server per --pp (udp and tcp by default),
    /// each with --max-clients = --connection-count, so 2 K by default. 0 = no limit. A refused tunnel looks dead
    /// to its opener, whose quick repair replaces it.
    /// </summary>
    public int? MaxIncoming { get; init; }

    /// <summary>The server-side limit in force.</summary>
    public int IncomingLimit => MaxIncoming ?? 2 * ConnectionCount;

    /// <summary>Threads for the BFS (results do not depend on it).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Peer lists each node receives: one at start, one per peer DB refresh.</summary>
    public int PeerLists => 1 + RefreshRounds / PeerDbRefreshRounds;

    /// <summary>Client tunnels per node.</summary>
    public int ClientTunnels => TunnelPolicy.ClientTarget(ConnectionCount);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Nodes < 2) throw new ArgumentException($"nodes must be at least 2 (got {Nodes})", nameof(Nodes));
        if (Nodes > 1 << 24) throw new ArgumentException($"nodes must be at most {1 << 24} (got {Nodes})", nameof(Nodes));
        if (ConnectionCount < 1) throw new ArgumentException($"connection count must be at least 1 (got {ConnectionCount})", nameof(ConnectionCount));
        if ((long)Nodes * ClientTunnels > int.MaxValue / 2)
            throw new ArgumentException($"{Nodes} nodes x {ClientTunnels} tunnels is too many", nameof(ConnectionCount));
        if (RefreshRounds < 0) throw new ArgumentException($"refresh rounds must be 0 or more (got {RefreshRounds})", nameof(RefreshRounds));
        if (RefreshRate is < 0 or > 1 or double.NaN) throw new ArgumentException($"refresh rate must be within 0..1 (got {RefreshRate})", nameof(RefreshRate));
        foreach (var r in FailRatios)
            if (r is < 0 or >= 1 or double.NaN) throw new ArgumentException($"fail ratio must be within 0..1, 1 excluded (got {r})", nameof(FailRatios));
        if (PeerListSize < 1) throw new ArgumentException($"peer list size must be at least 1 (got {PeerListSize})", nameof(PeerListSize));
        if (PeerDbRefreshRounds < 1) throw new ArgumentException($"peer DB refresh rounds must be at least 1 (got {PeerDbRefreshRounds})", nameof(PeerDbRefreshRounds));
        if (SampleSources < 1) throw new ArgumentException($"sample sources must be at least 1 (got {SampleSources})", nameof(SampleSources));
        if (ExactUpTo < 0) throw new ArgumentException($"exact limit must be 0 or more (got {ExactUpTo})", nameof(ExactUpTo));
        if (RepairPasses < 0) throw new ArgumentException($"repair passes must be 0 or more (got {RepairPasses})", nameof(RepairPasses));
        if (!Enum.IsDefined(PeerListPick)) throw new ArgumentException($"unknown peer list pick {PeerListPick}", nameof(PeerListPick));
        if (MaxIncoming < 0) throw new ArgumentException($"max incoming must be 0 (no limit) or more (got {MaxIncoming})", nameof(MaxIncoming));
        if (Parallelism < 1) throw new ArgumentException($"parallelism must be at least 1 (got {Parallelism})", nameof(Parallelism));
    }
}
