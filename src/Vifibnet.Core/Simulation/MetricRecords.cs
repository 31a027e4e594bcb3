namespace Vifibnet.Simulation;

/// <summary>Hop counts of shortest paths from a set of sources to every node they reach.</summary>
/// <param name="AverageHops">Mean hops over the (source, reachable node) pairs.</param>
/// <param name="MaxHops">Largest distance seen: the diameter when every node is a source, a lower bound of it otherwise.</param>
/// <param name="Sources">How many BFS sources were used.</param>
/// <param name="Exact">True when every (surviving) node was a source.</param>
/// <param name="UnreachablePairs">(source, node) pairs with no path.</param>
/// <param name="StandardError">Of <paramref name="AverageHops"/> when sampled (spread of the per-source means / sqrt(sources)); 0 when exact.</param>
public sealed record HopStatistics(double AverageHops, int MaxHops, int Sources, bool Exact, long UnreachablePairs, double StandardError);

/// <summary>Node degrees (client plus server tunnels).</summary>
public sealed record DegreeStatistics(int Min, double Mean, int Max);

/// <summary>How connected the surviving nodes are.</summary>
/// <param name="Survivors">Nodes not removed.</param>
/// <param name="ConnectedPairsRatio">Share of unordered surviving pairs with a path between them (1 with fewer than two survivors).</param>
/// <param name="LargestComponent">Nodes in the largest connected component.</param>
/// <param name="Components">Number of connected components among survivors.</param>
public sealed record Connectivity(int Survivors, double ConnectedPairsRatio, int LargestComponent, int Components);
