namespace Vifibnet.Simulation;

/// <summary>
/// Per client tunnel, what the policy's inputs would be if every node sent to every sampled destination:
/// routes carried (destinations whose next hop from the tunnel's owner is this tunnel, as babel's route
/// table would show) and traffic (shortest paths crossing the tunnel, both ways, one unit per pair).
/// Raw counts over the sampled destinations; <see cref="Scale"/> turns them into estimates for all of them.
/// </summary>
public sealed class RouteTally
{
    public RouteTally(int tunnelSlots)
    {
        Routes = new int[tunnelSlots];
        Traffic = new long[tunnelSlots];
    }

    internal int[] Routes { get; }
    internal long[] Traffic { get; }

    /// <summary>Multiplier from sampled counts to estimates (1 when every node was a destination).</summary>
    public double Scale { get; internal set; } = 1;

    public int RoutesCarried(int tunnel) => (int)Math.Round(Routes[tunnel] * Scale);

    public long TrafficOf(int tunnel) => (long)Math.Round(Traffic[tunnel] * Scale);

    internal void Add(RouteTally other)
    {
        for (var i = 0; i < Routes.Length; i++)
        {
            Routes[i] += other.Routes[i];
            Traffic[i] += other.Traffic[i];
        }
    }
}
