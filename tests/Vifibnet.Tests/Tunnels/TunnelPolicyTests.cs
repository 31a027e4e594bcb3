using Vifibnet.Tunnels;

namespace Vifibnet.Tests.Tunnels;

public class TunnelPolicyTests
{
    static readonly TunnelPolicy Policy = new();

    static TunnelView Alive(string peer, int routes = 10, long traffic = 1000) => new(peer, true, routes, traffic);

    static string[] Peers(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}{i:D3}").ToArray();

    static PolicyInput Input(IReadOnlyList<TunnelView> tunnels, IReadOnlyList<string> candidates, int k = 20, double rate = 0.05, bool refresh = true)
        => new(tunnels, candidates, k, rate, refresh);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 5)]
    [InlineData(11, 6)]
    [InlineData(20, 10)]
    public void ClientTargetIsHalfTheConnectionCountRoundedUp(int k, int expected) =>
        Assert.Equal(expected, TunnelPolicy.ClientTarget(k));

    [Fact]
    public void DeadTunnelsAreClosedAndFlaggedAndReplaced()
    {
        var tunnels = new[] { Alive("a"), new TunnelView("b", false, 50, 5000), Alive("c"), new TunnelView("d", false, 0, 0) };
        var d = Policy.Decide(Input(tunnels, ["x", "y", "z"], k: 8, rate: 0, refresh: false), new Random(1));
        Assert.Equal(["b", "d"], d.Close.Order());
        Assert.Equal(["b", "d"], d.Flag.Order());
        Assert.Equal(2, d.Open.Count); // back up to ClientTarget(8) = 4 tunnels
        Assert.All(d.Open, p => Assert.Contains(p, new[] { "x", "y", "z" }));
    }

    [Fact]
    public void RefreshDropsTheRefreshRateShareWorstFirstByRoutesThenTraffic()
    {
        // 10 tunnels at rate 0.3: at least 3 go. Routes carried decide first, traffic breaks ties.
        var tunnels = new List<TunnelView>
        {
            Alive("p0", routes: 5, traffic: 10), Alive("p1", routes: 1, traffic: 900), Alive("p2", routes: 1, traffic: 100),
            Alive("p3", routes: 2, traffic: 50), Alive("p4", routes: 30), Alive("p5", routes: 40), Alive("p6", routes: 50),
            Alive("p7", routes: 60), Alive("p8", routes: 70), Alive("p9", routes: 80),
        };
        var d = Policy.Decide(Input(tunnels, Peers("n", 10), rate: 0.3), new Random(1));
        Assert.Equal(["p2", "p1", "p3"], d.Close);
        Assert.Empty(d.Flag);
        Assert.Equal(3, d.Open.Count);
    }

    [Fact]
    public void DeadTunnelsCountTowardsTheRefreshRateShare()
    {
        var tunnels = Peers("p", 9).Select(p => Alive(p)).Append(new TunnelView("dead", false, 0, 0)).ToList();
        var d = Policy.Decide(Input(tunnels, Peers("n", 10), rate: 0.2), new Random(1));
        Assert.Equal(2, d.Close.Count);      // ceil(0.2 * 10) = 2, one of which is the dead one
        Assert.Equal("dead", d.Close[0]);
        Assert.Equal(["dead"], d.Flag);
    }

    [Fact]
    public void TheBusiestShareIsNeverDroppedEvenWhenItCarriesFewRoutes()
    {
        // The 3 busiest of 10 (ceil(25 %)) carry no routes yet must stay; the worst of the rest go instead.
        var tunnels = new List<TunnelView> { Alive("busy0", 0, 9000), Alive("busy1", 0, 8000), Alive("busy2", 0, 7000) };
        tunnels.AddRange(Enumerable.Range(0, 7).Select(i => Alive($"q{i}", routes: 10 + i, traffic: 100)));
        var d = Policy.Decide(Input(tunnels, Peers("n", 10), rate: 0.5), new Random(1));
        Assert.Equal(5, d.Close.Count);
        Assert.DoesNotContain(d.Close, p => p.StartsWith("busy"));
        Assert.Equal(["q0", "q1", "q2", "q3", "q4"], d.Close);
    }

    [Fact]
    public void OpensOnlyCandidatesUpToTheTargetWithoutDuplicates()
    {
        var tunnels = new[] { Alive("a"), Alive("b") };
        // Candidates repeat and include a peer we already have: neither may produce a second tunnel.
        string[] candidates = ["c", "c", "d", "a", "e", "d", "f", "g", "h", "i", "j"];
        var d = Policy.Decide(Input(tunnels, candidates, k: 10, refresh: false), new Random(3));
        Assert.Equal(3, d.Open.Count);       // ClientTarget(10) = 5, two kept
        Assert.Equal(d.Open.Count, d.Open.Distinct().Count());
        Assert.All(d.Open, p => Assert.Contains(p, candidates));
        Assert.DoesNotContain("a", d.Open);
    }

    [Fact]
    public void OpensFewerWhenTheCandidatesRunOut()
    {
        var d = Policy.Decide(Input([], ["a", "b"], k: 20, refresh: false), new Random(1));
        Assert.Equal(["a", "b"], d.Open.Order());
    }

    [Fact]
    public void RefreshNeverDropsALiveTunnelItCannotReplace()
    {
        // A small network: every peer in the DB already has a tunnel. Dropping one would leave the slot empty
        // until the next repair reopened the same peer, so the refresh keeps it.
        var tunnels = Peers("p", 4).Select(p => Alive(p, routes: 1)).ToList();
        Assert.Same(PolicyDecision.None, Policy.Decide(Input(tunnels, Peers("p", 4), k: 20, rate: 0.5), new Random(1)));

        // One fresh peer: one of the two the rate asks for goes, and it is replaced.
        var d = Policy.Decide(Input(tunnels, [.. Peers("p", 4), "fresh"], k: 20, rate: 0.5), new Random(1));
        Assert.Single(d.Close);
        Assert.Equal(["fresh"], d.Open);

        // Dead tunnels still go whatever the candidates.
        var withDead = tunnels.Append(new TunnelView("gone", false, 0, 0)).ToList();
        Assert.Equal(["gone"], Policy.Decide(Input(withDead, [], k: 20, rate: 0.5), new Random(1)).Close);
    }

    [Fact]
    public void AClosedPeerIsNotReopenedInTheSameDecision()
    {
        var tunnels = new[] { Alive("worst", routes: 0, traffic: 0), Alive("b", 5), Alive("c", 5), Alive("d", 5) };
        var d = Policy.Decide(Input(tunnels, ["worst", "x"], k: 8, rate: 0.25), new Random(1));
        Assert.Equal(["worst"], d.Close);
        Assert.Equal(["x"], d.Open);
    }

    [Fact]
    public void TheSameSeedGivesTheSameDecisionAndAnotherSeedAnotherPick()
    {
        var candidates = Peers("n", 100);
        var input = Input([], candidates, k: 20, refresh: false);
        var first = Policy.Decide(input, new Random(42));
        var again = Policy.Decide(input, new Random(42));
        Assert.Equal(first.Open, again.Open);
        var picks = Enumerable.Range(0, 5).Select(s => string.Join(",", Policy.Decide(input, new Random(s)).Open)).ToHashSet();
        Assert.True(picks.Count > 1, "different seeds should pick different peers from 100 candidates");
    }

    [Fact]
    public void QuickRepairWithoutRefreshOnlyReplacesDeadTunnels()
    {
        // refresh = false: the worst alive tunnels stay however bad, whatever the rate.
        var tunnels = new[] { Alive("bad", 0, 0), Alive("ok", 10, 10), new TunnelView("gone", false, 0, 0) };
        var d = Policy.Decide(Input(tunnels, ["x", "y"], k: 6, rate: 1, refresh: false), new Random(1));
        Assert.Equal(["gone"], d.Close);
        Assert.Equal(["gone"], d.Flag);
        Assert.Single(d.Open);
    }

    [Fact]
    public void NothingToDoGivesNone()
    {
        var tunnels = Peers("p", 10).Select(p => Alive(p)).ToList();
        Assert.Same(PolicyDecision.None, Policy.Decide(Input(tunnels, Peers("n", 5), refresh: false), new Random(1)));
        Assert.Same(PolicyDecision.None, Policy.Decide(Input(tunnels, Peers("n", 5), rate: 0), new Random(1)));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ARefreshRateOutsideZeroToOneIsRejected(double rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Policy.Decide(Input([], [], rate: rate), new Random(1)));
        Assert.Contains("refresh rate", e.Message);
    }
}
