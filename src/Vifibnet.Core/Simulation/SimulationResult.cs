namespace Vifibnet.Simulation;

/// <summary>A failure scenario measured on one round's network, before any repair.</summary>
/// <param name="Ratio">Share of nodes failed.</param>
/// <param name="Failed">Nodes failed.</param>
/// <param name="Survivors">Connectivity among the others.</param>
public sealed record FailureReport(double Ratio, int Failed, Connectivity Survivors);

/// <summary>The network after one round: round 0 is the random start, then one per tunnel refresh.</summary>
/// <param name="Round">0 = random start.</param>
/// <param name="Hops">Shortest-path hop counts.</param>
/// <param name="Degree">Tunnels per node.</param>
/// <param name="TunnelsClosed">Tunnels the policy closed in this round.</param>
/// <param name="TunnelsOpened">Tunnels the policy opened in this round.</param>
/// <param name="TunnelsRefused">Tunnels refused by a peer whose servers were full (and replaced).</param>
/// <param name="Failures">One per fail ratio.</param>
public sealed record RoundReport(int Round, HopStatistics Hops, DegreeStatistics Degree, long TunnelsClosed, long TunnelsOpened, long TunnelsRefused,
    IReadOnlyList<FailureReport> Failures);

/// <summary>The network after the failure really happened and survivors ran the daemon's quick repair (Refresh = false).</summary>
/// <param name="Ratio">Share of nodes failed.</param>
/// <param name="Passes">Repair passes run (each: dead tunnels closed and flagged, replaced from the peer DB).</param>
/// <param name="DeadTunnelsClosed">Dead tunnels the survivors closed over all passes.</param>
/// <param name="Survivors">Connectivity among survivors after the repair.</param>
/// <param name="Hops">Hop counts among survivors after the repair.</param>
/// <param name="Degree">Tunnels per surviving node after the repair.</param>
public sealed record RepairReport(double Ratio, int Passes, long DeadTunnelsClosed, Connectivity Survivors, HopStatistics Hops,
    DegreeStatistics Degree);

/// <summary>Everything a run measured. Deterministic for given options (timings are not part of it).</summary>
public sealed record SimulationResult(SimulationOptions Options, IReadOnlyList<RoundReport> Rounds, IReadOnlyList<RepairReport> Repairs);

/// <summary>Progress of a long run, for a caller that shows it.</summary>
/// <param name="Phase">What just finished, e.g. "round 3 refreshed".</param>
/// <param name="Round">The round it belongs to.</param>
/// <param name="Elapsed">Since the run started.</param>
public sealed record SimulationProgress(string Phase, int Round, TimeSpan Elapsed);
