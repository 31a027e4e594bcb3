using Vifibnet.Addressing;

namespace Vifibnet.Lab;

/// <summary>How a <see cref="MeshLab"/> is built and how its nodes run (the demo's, the tests' and the benchmark's knobs).</summary>
public sealed record MeshOptions
{
    /// <summary>Namespace-name prefix of everything the lab makes; leftovers with it are removed at start (the demo's: vm-d-; tests and benchmark use their own).</summary>
    public string Prefix { get; init; } = "vm-d-";

    public int Nodes { get; init; } = 8;

    /// <summary>How many nodes sit behind NAT; null means <see cref="DemoTopology.NatCount"/>.</summary>
    public int? NatCount { get; init; }

    /// <summary>Which IP families the internet carries.</summary>
    public Underlay Underlay { get; init; } = Underlay.IPv4;

    /// <summary>The nodes' --hello (babel hello interval, seconds).</summary>
    public int Hello { get; init; } = 15;

    /// <summary>The nodes' --connection-count: small, so that the mesh is not full and routes go through other nodes.</summary>
    public int ConnectionCount { get; init; } = 4;

    /// <summary>The nodes' --peers-db-refresh: short, so nodes started early also learn the later ones.</summary>
    public int PeersDbRefresh { get; init; } = 30;

    /// <summary>The nodes' --peer-exchange (seconds; 0: off).</summary>
    public int PeerExchange { get; init; } = 60;

    /// <summary>The nodes' --tunnel-refresh (also how long a dead peer stays flagged).</summary>
    public int TunnelRefresh { get; init; } = 300;

    /// <summary>Runtime settings added to (or overriding) <c>NodeRuntime.Environment</c> for every node: bench/mesh --node-env compares GC settings.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraNodeEnvironment { get; init; } = [];

    /// <summary>The nodes' -v.</summary>
    public int Verbose { get; init; } = 2;

    public NetworkPrefix Network { get; init; } = NetworkPrefix.Parse("2001:db8:42::/48");

    public int RegistryPort { get; init; } = 8000;

    /// <summary>How the `vifibnet` CLI is run: program and leading arguments (e.g. dotnet, vifibnet.dll).</summary>
    public required (string FileName, IReadOnlyList<string> Prefix) Vifibnet { get; init; }

    /// <summary>Where the registry's and nodes' files and logs go; null means a new temporary directory, removed at the end.</summary>
    public string? WorkDir { get; init; }

    /// <summary>Leave the work directory (logs, certificates) in place at the end.</summary>
    public bool KeepFiles { get; init; }
}
