using Vifibnet.Simulation;
using Vifibnet.Tunnels;

namespace Vifibnet.Tests.Simulation;

public class NetworkSimulatorTests
{
    /// <summary>Passes every call on to the daemon's policy and keeps what it was asked.</summary>
    sealed class RecordingPolicy : ITunnelPolicy
    {
        readonly TunnelPolicy inner = new();
        public List<(PolicyInput Input, PolicyDecision Decision)> Calls { get; } = [];

        public PolicyDecision Decide(PolicyInput input, Random random)
        {
            var decision = inner.Decide(input, random);
            Calls.Add((input, decision));
            return decision;
        }
    }

    sealed class RogueOpener : ITunnelPolicy
    {
        public PolicyDecision Decide(PolicyInput input, Random random) => new([], [], ["1111111111111111"]);
    }

    static string Json(SimulationResult result) => SimulationJson.ToJson(result).ToJsonString();

    [Fact]
    public void TheDefaultPolicyIsTheDaemonsTunnelPolicy() =>
        Assert.IsType<TunnelPolicy>(new NetworkSimulator().Policy);

    [Fact]
    public void EveryNodeDecidesThroughThePolicyEntryPointWithItsRealState()
    {
        var recorder = new RecordingPolicy();
        var options = new SimulationOptions { Nodes = 60, ConnectionCount = 6, RefreshRounds = 3, RefreshRate = 0.3, Seed = 5 };
        var recorded = new NetworkSimulator(recorder).Run(options);

        Assert.Equal(60 * 4, recorder.Calls.Count); // every node, at the start and in each of 3 rounds
        var start = recorder.Calls.Take(60).ToList();
        Assert.All(start, c => Assert.False(c.Input.Refresh));
        Assert.All(start, c => Assert.Equal(6, c.Input.ConnectionCount));
        Assert.All(start, c => Assert.Equal(0.3, c.Input.RefreshRate));
        Assert.Empty(start[0].Input.Tunnels);
        Assert.Equal(3, start[0].Decision.Open.Count);

        var refreshes = recorder.Calls.Skip(60).ToList();
        Assert.All(refreshes, c => Assert.True(c.Input.Refresh));
        Assert.All(refreshes, c => Assert.Equal(3, c.Input.Tunnels.Count));
        Assert.All(refreshes, c => Assert.All(c.Input.Tunnels, t => Assert.True(t.Alive)));
        // Routes carried come from shortest paths: a node's own tunnels carry some, never more than N - 1 in all.
        Assert.All(refreshes, c => Assert.InRange(c.Input.Tunnels.Sum(t => t.RoutesCarried), 0, 59));
        Assert.Contains(refreshes, c => c.Input.Tunnels.Sum(t => t.RoutesCarried) > 0);
        Assert.Contains(refreshes, c => c.Input.Tunnels.Any(t => t.Traffic > 0));
        // Candidates are never a peer we already have a tunnel to.
        Assert.All(refreshes, c => Assert.Empty(c.Input.Candidates.Intersect(c.Input.Tunnels.Select(t => t.Peer))));
        Assert.All(refreshes, c => Assert.Single(c.Decision.Close)); // ceil(0.3 x 3) = 1 worst tunnel per refresh
    }

    [Fact]
    public void RecordingTheCallsDoesNotChangeTheResult()
    {
        var options = new SimulationOptions { Nodes = 80, ConnectionCount = 8, RefreshRounds = 2, FailRatios = [0.3] };
        Assert.Equal(Json(new NetworkSimulator().Run(options)), Json(new NetworkSimulator(new RecordingPolicy()).Run(options)));
    }

    [Fact]
    public void APolicyThatOpensANonCandidateIsStoppedWithItsName()
    {
        var e = Assert.Throws<SimulationException>(() => new NetworkSimulator(new RogueOpener()).Run(new SimulationOptions { Nodes = 5 }));
        Assert.Contains("1111111111111111", e.Message);
    }

    [Fact]
    public void AFixedSeedGivesIdenticalOutputTwiceWhateverTheThreads()
    {
        var options = new SimulationOptions
        {
            Nodes = 3000, ConnectionCount = 10, RefreshRounds = 3, FailRatios = [0.5], SampleSources = 40, Parallelism = 2,
        };
        var first = Json(new NetworkSimulator().Run(options));
        Assert.Equal(first, Json(new NetworkSimulator().Run(options)));
        Assert.Equal(first, Json(new NetworkSimulator().Run(options with { Parallelism = 1 })));
        Assert.NotEqual(first, Json(new NetworkSimulator().Run(options with { Seed = 2 })));
    }

    [Fact]
    public void ElevenNodesWantingTenTunnelsEachBecomeACompleteGraph()
    {
        // Candidates exclude peers already tunnelled to either way, so the only way to fill 10 slots is K11.
        var result = new NetworkSimulator().Run(new SimulationOptions { Nodes = 11, ConnectionCount = 20, RefreshRounds = 2, FailRatios = [0.5] });
        var start = result.Rounds[0];
        Assert.Equal(1, start.Hops.AverageHops);
        Assert.Equal(1, start.Hops.MaxHops);
        Assert.True(start.Hops.Exact);
        Assert.Equal(new DegreeStatistics(10, 10, 10), start.Degree);
        Assert.Equal(55, start.TunnelsOpened);
        Assert.Equal(new Connectivity(5, 1, 5, 1), start.Failures[0].Survivors); // round(0.5 x 11) = 6 failed
    }

    [Fact]
    public void RandomStartGivesEveryNodeItsClientTunnelsAndRoundsKeepThem()
    {
        var result = new NetworkSimulator().Run(new SimulationOptions { Nodes = 500, ConnectionCount = 10, RefreshRounds = 4 });
        Assert.Equal(5, result.Rounds.Count);
        Assert.Equal(500 * 5, result.Rounds[0].TunnelsOpened);
        foreach (var r in result.Rounds)
        {
            Assert.Equal(10.0, r.Degree.Mean, 9); // 5 client + on average 5 server tunnels
            Assert.True(r.Degree.Min >= 5);
            Assert.InRange(r.Hops.AverageHops, 2, 5);
            Assert.Equal(0, r.Hops.UnreachablePairs);
        }
        Assert.All(result.Rounds.Skip(1), r => Assert.Equal(500, r.TunnelsClosed)); // ceil(0.05 x 5) = 1 per node
    }

    [Fact]
    public void AfterTheFailureSurvivorsRepairBackToFullTunnels()
    {
        var result = new NetworkSimulator().Run(new SimulationOptions { Nodes = 400, ConnectionCount = 8, RefreshRounds = 1, FailRatios = [0.5] });
        var before = result.Rounds[^1].Failures[0];
        Assert.Equal(200, before.Failed);
        Assert.Equal(200, before.Survivors.Survivors);
        var repair = Assert.Single(result.Repairs);
        Assert.True(repair.DeadTunnelsClosed > 0);
        Assert.True(repair.Degree.Min >= 4, $"every survivor should be back to 4 client tunnels, min degree {repair.Degree.Min}");
        Assert.Equal(new Connectivity(200, 1, 200, 1), repair.Survivors);
        Assert.Equal(0, repair.Hops.UnreachablePairs);
    }

    [Fact]
    public void FullServersRefuseAndTheOpenerRepairsThroughThePolicy()
    {
        // 5 client tunnels each, at most 5 server-side: nobody ends above 10, and refusals reach the policy as
        // dead tunnels in a quick repair (Refresh = false), which flags them.
        var recorder = new RecordingPolicy();
        var options = new SimulationOptions { Nodes = 40, ConnectionCount = 10, RefreshRounds = 5, MaxIncoming = 5, RefreshRate = 0.4 };
        var result = new NetworkSimulator(recorder).Run(options);
        Assert.All(result.Rounds, r => Assert.InRange(r.Degree.Max, 5, 10));
        Assert.True(result.Rounds.Sum(r => r.TunnelsRefused) > 0);
        var repairs = recorder.Calls.Where(c => !c.Input.Refresh && c.Input.Tunnels.Any(t => !t.Alive)).ToList();
        Assert.NotEmpty(repairs);
        Assert.All(repairs, c => Assert.Equal(c.Input.Tunnels.Where(t => !t.Alive).Select(t => t.Peer), c.Decision.Flag));

        var unlimited = new NetworkSimulator().Run(options with { MaxIncoming = 0 });
        Assert.All(unlimited.Rounds, r => Assert.Equal(0, r.TunnelsRefused));
        Assert.Contains(unlimited.Rounds, r => r.Degree.Max > 10);
    }

    [Fact]
    public void PeerListsAreMergedIntoThePeerDbAtEachPeerDbRefresh()
    {
        // Lists of 20 peers, a new one every 3 rounds: the candidates grow from at most 20 to at most 40 distinct peers.
        var recorder = new RecordingPolicy();
        var options = new SimulationOptions
        {
            Nodes = 300, ConnectionCount = 4, RefreshRounds = 3, PeerListSize = 20, PeerDbRefreshRounds = 3, MaxIncoming = 0,
        };
        new NetworkSimulator(recorder).Run(options);
        var byRound = recorder.Calls.Chunk(300).ToList();
        Assert.Equal(4, byRound.Count);
        Assert.All(recorder.Calls, c => Assert.Equal(c.Input.Candidates.Count, c.Input.Candidates.Distinct().Count()));
        Assert.All(byRound.Take(3).SelectMany(r => r), c => Assert.True(c.Input.Candidates.Count + c.Input.Tunnels.Count <= 20));
        Assert.Contains(byRound[3], c => c.Input.Candidates.Count + c.Input.Tunnels.Count > 20);
        Assert.All(byRound[3], c => Assert.True(c.Input.Candidates.Count + c.Input.Tunnels.Count <= 40));
    }

    [Fact]
    public void LargeNetworksAreMeasuredFromAStatedSample()
    {
        var result = new NetworkSimulator().Run(new SimulationOptions
        {
            Nodes = 3000, ConnectionCount = 6, RefreshRounds = 0, ExactUpTo = 2048, SampleSources = 50,
        });
        Assert.False(result.Rounds[0].Hops.Exact);
        Assert.Equal(50, result.Rounds[0].Hops.Sources);
    }

    [Theory]
    [InlineData(1, 20, "nodes")]
    [InlineData(10, 0, "connection count")]
    public void BadOptionsAreNamed(int nodes, int k, string named) =>
        Assert.Contains(named, Assert.Throws<ArgumentException>(() =>
            new NetworkSimulator().Run(new SimulationOptions { Nodes = nodes, ConnectionCount = k })).Message);
}
