using Vifibnet.Simulation;

namespace Vifibnet.Tests.Simulation;

/// <summary>The simulator's own metric code on graphs whose answers are known by hand.</summary>
public class GraphMetricsTests
{
    static AdjacencyGraph Ring(int n) => AdjacencyGraph.FromEdges(n, Enumerable.Range(0, n).Select(i => (i, (i + 1) % n)).ToList());

    static AdjacencyGraph Star(int leaves) => AdjacencyGraph.FromEdges(leaves + 1, Enumerable.Range(1, leaves).Select(i => (i, 0)).ToList());

    static AdjacencyGraph Complete(int n) =>
        AdjacencyGraph.FromEdges(n, (from a in Enumerable.Range(0, n) from b in Enumerable.Range(0, n) where a < b select (a, b)).ToList());

    static int[] All(int n) => Enumerable.Range(0, n).ToArray();

    [Theory]
    [InlineData(10, 25.0 / 9, 5)] // from any node: 1,1,2,2,3,3,4,4,5
    [InlineData(9, 2.5, 4)]       // 1,1,2,2,3,3,4,4
    public void RingHopsAreExact(int n, double average, int max)
    {
        var hops = GraphMetrics.Hops(Ring(n), All(n), parallelism: 2);
        Assert.Equal(average, hops.AverageHops, 12);
        Assert.Equal(max, hops.MaxHops);
        Assert.True(hops.Exact);
        Assert.Equal(0, hops.UnreachablePairs);
        Assert.Equal(new DegreeStatistics(2, 2, 2), GraphMetrics.Degrees(Ring(n)));
    }

    [Fact]
    public void RingCutTwiceFallsInTwoHalves()
    {
        var removed = new bool[10];
        removed[0] = removed[5] = true;
        var c = GraphMetrics.Components(Ring(10), removed);
        // Survivors 1-4 and 6-9: 2 x 6 connected pairs of 28.
        Assert.Equal(new Connectivity(8, 12.0 / 28, 4, 2), c);
        var hops = GraphMetrics.Hops(Ring(10), [1, 6], removed);
        Assert.Equal(2 * 4, hops.UnreachablePairs);
        Assert.Equal(3, hops.MaxHops);
        Assert.Equal(new DegreeStatistics(1, 1.5, 2), GraphMetrics.Degrees(Ring(10), removed));
    }

    [Fact]
    public void StarHopsAndConnectivityAreExact()
    {
        var star = Star(5);
        var hops = GraphMetrics.Hops(star, All(6));
        Assert.Equal(50.0 / 30, hops.AverageHops, 12); // centre: 5 x 1; each leaf: 1 + 4 x 2
        Assert.Equal(2, hops.MaxHops);
        Assert.Equal(new DegreeStatistics(1, 10.0 / 6, 5), GraphMetrics.Degrees(star));
        Assert.Equal(new Connectivity(6, 1, 6, 1), GraphMetrics.Components(star));
    }

    [Fact]
    public void StarWithoutItsCentreIsAllIslands()
    {
        var removed = new bool[6];
        removed[0] = true;
        Assert.Equal(new Connectivity(5, 0, 1, 5), GraphMetrics.Components(Star(5), removed));
        var hops = GraphMetrics.Hops(Star(5), [1, 2, 3, 4, 5], removed);
        Assert.Equal(5 * 4, hops.UnreachablePairs);
        Assert.Equal(0, hops.AverageHops);
    }

    [Fact]
    public void CompleteGraphIsOneHopEverywhere()
    {
        var hops = GraphMetrics.Hops(Complete(7), All(7), parallelism: 2);
        Assert.Equal(1, hops.AverageHops);
        Assert.Equal(1, hops.MaxHops);
        Assert.Equal(new DegreeStatistics(6, 6, 6), GraphMetrics.Degrees(Complete(7)));
        var removed = new bool[7];
        removed[2] = removed[4] = true;
        Assert.Equal(new Connectivity(5, 1, 5, 1), GraphMetrics.Components(Complete(7), removed));
    }

    [Fact]
    public void SampledSourcesAreReportedAsNotExact()
    {
        var hops = GraphMetrics.Hops(Ring(10), [0, 3]);
        Assert.False(hops.Exact);
        Assert.Equal(2, hops.Sources);
        Assert.Equal(25.0 / 9, hops.AverageHops, 12); // a ring looks the same from every node
    }

    [Fact]
    public void SampledAveragesCarryTheirStandardError()
    {
        // Centre: mean 1; a leaf: (1 + 4 x 2) / 5 = 1.8. Spread 0.566 over 2 sources: standard error 0.4.
        var hops = GraphMetrics.Hops(Star(5), [0, 1]);
        Assert.Equal(14.0 / 10, hops.AverageHops, 12);
        Assert.Equal(0.4, hops.StandardError, 12);
        Assert.Equal(0, GraphMetrics.Hops(Star(5), All(6)).StandardError);
    }

    [Fact]
    public void RoutesCarriedAndTrafficOnAStarFollowWhoOpenedTheTunnel()
    {
        // Leaves 1-3 opened tunnels to the centre (tunnels 0-2); the centre opened tunnel 3 to leaf 4.
        var graph = AdjacencyGraph.FromEdges(5, [(1, 0), (2, 0), (3, 0), (0, 4)]);
        var tally = new RouteTally(4);
        GraphMetrics.Hops(graph, All(5), tally: tally, parallelism: 2);
        for (var leafTunnel = 0; leafTunnel < 3; leafTunnel++)
        {
            Assert.Equal(4, tally.RoutesCarried(leafTunnel)); // a leaf reaches all 4 others through the centre
            Assert.Equal(8, tally.TrafficOf(leafTunnel));     // 4 destinations each way
        }
        Assert.Equal(1, tally.RoutesCarried(3));              // the centre reaches only leaf 4 through it
        Assert.Equal(8, tally.TrafficOf(3));
    }

    [Fact]
    public void RoutesCarriedOnAPathCountDestinationsBeyondTheTunnel()
    {
        var graph = AdjacencyGraph.FromEdges(4, [(0, 1), (1, 2), (2, 3)]);
        var tally = new RouteTally(3);
        GraphMetrics.Hops(graph, All(4), tally: tally);
        Assert.Equal([3, 2, 1], new[] { tally.RoutesCarried(0), tally.RoutesCarried(1), tally.RoutesCarried(2) });
        Assert.Equal([6, 8, 6], new[] { tally.TrafficOf(0), tally.TrafficOf(1), tally.TrafficOf(2) });
    }

    [Fact]
    public void BadEdgesAndSourcesAreNamed()
    {
        Assert.Contains("edge 1 (2, 2)", Assert.Throws<ArgumentException>(() => AdjacencyGraph.FromEdges(3, [(0, 1), (2, 2)])).Message);
        Assert.Contains("source 9", Assert.Throws<ArgumentException>(() => GraphMetrics.Hops(Ring(5), [9])).Message);
    }
}
