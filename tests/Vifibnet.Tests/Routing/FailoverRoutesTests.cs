using System.Net;
using Vifibnet.Logging;
using Vifibnet.Routing;

namespace Vifibnet.Tests.Routing;

/// <summary>
/// The planning of <see cref="FailoverRoutes"/> on babeld dumps, and the `ip` commands it issues (recorded here,
/// not run: the mesh end-to-end tests run them for real in namespaces).
/// </summary>
public class FailoverRoutesTests
{
    const string Lost = "fe80::a";
    static readonly FailoverRoutes.Neighbour LostOnServer = new(IPAddress.Parse(Lost), "vifib-s0");

    static IReadOnlyList<BabelRoute> Dump(params string[] lines) => BabelRoute.ParseDump(lines);

    /// <summary>Bridges whose `ip` commands are recorded, not run.</summary>
    static (FailoverRoutes Failover, List<string> Commands) Recording(int hello)
    {
        var commands = new List<string>();
        return (new FailoverRoutes(hello, new Logger(LogLevel.Warning, _ => { }), args => { commands.Add(string.Join(' ', args)); return (0, ""); }), commands);
    }

    // Peer A (2001:db8:42:a::/64) was a client of our server; B and C are other neighbours.
    static readonly IReadOnlyList<BabelRoute> Routes = Dump(
        $"add route 1 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 96 refmetric 0 via {Lost} if vifib-s0",
        "add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 288 refmetric 192 via fe80::c if vifib-c1",
        // F's path costs 288: as much as one through it, us and A (96 + 96 + 96): excluded. G's 160 is loop-free but dearer than B.
        "add route 8 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 384 refmetric 288 via fe80::f if vifib-c1",
        "add route 9 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 256 refmetric 160 via fe80::9 if vifib-c1",
        "add route 3 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 192 refmetric 96 via fe80::b if vifib-s0",
        // E's own route to A goes through us (its metric is ours plus a link): never a bridge, although the cheapest.
        "add route 7 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 150 refmetric 192 via fe80::e if vifib-c0",
        $"add route 4 prefix 2001:db8:42:d::1/128 from ::/0 installed yes id y metric 192 refmetric 96 via {Lost} if vifib-s0",
        "add route 5 prefix 2001:db8:42:d::1/128 from ::/0 installed no id y metric 65535 refmetric 96 via fe80::c if vifib-c1",
        "add route 6 prefix 2001:db8:42:b::1/128 from ::/0 installed yes id z metric 96 refmetric 0 via fe80::b if vifib-s0");

    [Fact]
    public void RoutesThroughTheLostNeighbourGoToBabelsNextBestUsableRoute()
    {
        var plan = FailoverRoutes.Plan(Routes, LostOnServer);
        // A's address: the other client on the same tap (metric 192) beats G (256); C, E and F announce at least a link
        // plus our metric, so they could route through us; D's only other route is retracted.
        var (prefix, alternative, ourMetric) = Assert.Single(plan);
        Assert.Equal(96, ourMetric);
        Assert.Equal("2001:db8:42:a::1/128", prefix);
        Assert.Equal((IPAddress.Parse("fe80::b"), "vifib-s0"), (alternative.Via, alternative.Device));
    }

    [Fact]
    public void NoBridgeWhenEveryOtherNeighbourMayRouteBackThroughUs()
    {
        // Saved from a failing cut (hello 15): the node's only other route to the cut peer came from a neighbour announcing
        // our metric plus one link (96 + 96), its own route through us. A bridge through it looped until babel caught up.
        var routes = Dump(
            $"add route 1 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 96 refmetric 0 via {Lost} if vifib-s0",
            "add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 288 refmetric 192 via fe80::4 if vifib-s0",
            "add route 3 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 288 refmetric 192 via fe80::5 if vifib-c0");
        Assert.Empty(FailoverRoutes.Plan(routes, LostOnServer));
        // Which the daemon learns, to bounce the shared tap instead (babeld then drops the silent client's routes).
        var failover = new FailoverRoutes(15, new Logger(LogLevel.Warning, _ => { }), _ => (0, ""));
        failover.Suspect("A", LostOnServer, DateTimeOffset.UnixEpoch);
        failover.Update(routes, DateTimeOffset.UnixEpoch);
        Assert.False(failover.Bridged(routes, LostOnServer));
        failover.Update(Routes, DateTimeOffset.UnixEpoch);
        Assert.False(failover.Bridged(Routes, LostOnServer)); // A's address is bridged, D's (only route retracted) is not
        var onlyA = Routes.Where(r => !r.Prefix.StartsWith("2001:db8:42:d:", StringComparison.Ordinal)).ToList();
        failover.Update(onlyA, DateTimeOffset.UnixEpoch);
        Assert.True(failover.Bridged(onlyA, LostOnServer));
    }

    [Fact]
    public void APeersNeighbourIsTheNextHopOfTheRouteItOriginates()
    {
        var neighbours = FailoverRoutes.NeighboursOf(Routes, a => a.GetAddressBytes()[7] switch { 0xa => "A", 0xb => "B", 0xd => "D", _ => null });
        Assert.Equal(LostOnServer, neighbours["A"]);
        Assert.Equal(new FailoverRoutes.Neighbour(IPAddress.Parse("fe80::b"), "vifib-s0"), neighbours["B"]);
        Assert.False(neighbours.ContainsKey("D")); // reached through A: not a neighbour of ours
    }

    [Fact]
    public void ABridgeIsAddedInItsOwnTableAndRemovedOnceBabelNoLongerUsesTheLostNeighbour()
    {
        var (failover, commands) = Recording(hello: 4);
        var t0 = DateTimeOffset.UnixEpoch;
        failover.Lost("A", LostOnServer, t0);
        failover.Update(Routes, t0);
        Assert.Equal(["-6 route replace 2001:db8:42:a::1/128 via fe80::b dev vifib-s0 table 30463"], commands);
        commands.Clear();
        failover.Update(Routes, t0.AddSeconds(2));
        Assert.Empty(commands); // unchanged: not replaced again

        // babel noticed: its installed route to A now goes through B.
        var caughtUp = Dump(
            "add route 3 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 192 refmetric 96 via fe80::b if vifib-s0",
            "add route 6 prefix 2001:db8:42:b::1/128 from ::/0 installed yes id z metric 96 refmetric 0 via fe80::b if vifib-s0");
        failover.Update(caughtUp, t0.AddSeconds(4));
        Assert.Equal(["-6 route del 2001:db8:42:a::1/128 table 30463"], commands);
        Assert.Empty(failover.Bridges);
    }

    [Fact]
    public void ABridgeEndsAfterItsMaximumAgeEvenWhenBabelStillUsesTheLostNeighbour()
    {
        var (failover, commands) = Recording(hello: 4);
        var t0 = DateTimeOffset.UnixEpoch;
        failover.Lost("A", LostOnServer, t0);
        failover.Update(Routes, t0);
        Assert.Single(failover.Bridges);
        failover.Update(Routes, t0 + failover.MaxAge + TimeSpan.FromSeconds(1));
        Assert.Empty(failover.Bridges);
        Assert.Equal("-6 route del 2001:db8:42:a::1/128 table 30463", commands[^1]);
    }
    [Fact]
    public void ASuspectedNeighbourIsBridgedUntilItAnswersAgainAndOnlyItsOwnClearingEndsTheBridge()
    {
        var (failover, commands) = Recording(hello: 15);
        var t0 = DateTimeOffset.UnixEpoch;
        failover.Suspect("A", LostOnServer, t0);
        failover.Update(Routes, t0);
        Assert.Equal(["-6 route replace 2001:db8:42:a::1/128 via fe80::b dev vifib-s0 table 30463"], commands);
        // A clearing for another link-local address (A on a new tunnel) leaves the bridge for the silent one.
        failover.Cleared("A", new FailoverRoutes.Neighbour(IPAddress.Parse("fe80::a2"), "vifib-c0"));
        failover.Update(Routes, t0.AddSeconds(1));
        Assert.Single(failover.Bridges);
        // It answers again: the bridge goes although babel still routes through it (it never stopped).
        failover.Cleared("A", LostOnServer);
        failover.Update(Routes, t0.AddSeconds(2));
        Assert.Empty(failover.Bridges);
        Assert.Equal("-6 route del 2001:db8:42:a::1/128 table 30463", commands[^1]);
    }

    [Fact]
    public void ABridgeHoldsAPrefixBabelLostAltogetherUntilBabelRoutesItAgain()
    {
        var (failover, commands) = Recording(hello: 15);
        var t0 = DateTimeOffset.UnixEpoch;
        var lostClient = new FailoverRoutes.Neighbour(IPAddress.Parse(Lost), "vifib-c0");
        failover.Suspect("A", lostClient, t0);
        failover.Update(Dump(
            $"add route 1 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 96 refmetric 0 via {Lost} if vifib-c0",
            "add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 192 refmetric 96 via fe80::c if vifib-c1"), t0);
        Assert.Equal(["-6 route replace 2001:db8:42:a::1/128 via fe80::c dev vifib-c1 table 30463"], commands);
        // The tap was bounced: babeld flushed the routes learned on it, and C's route is unfeasible (an older seqno) until
        // a request has gone to A and back. No installed route at all: the bridge holds.
        var unfeasibleOnly = Dump("add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 192 refmetric 96 via fe80::c if vifib-c1");
        failover.Update(unfeasibleOnly, t0.AddSeconds(1));
        Assert.Single(failover.Bridges);
        // babel routes it again (through C, at A's new seqno): the bridge goes.
        failover.Update(Dump("add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 192 refmetric 96 via fe80::c if vifib-c1"), t0.AddSeconds(3));
        Assert.Empty(failover.Bridges);
        Assert.Equal("-6 route del 2001:db8:42:a::1/128 table 30463", commands[^1]);
        // A prefix babel never routed through A is not held by this rule (nothing was bridged for it).
        Assert.Empty(FailoverRoutes.Plan(unfeasibleOnly, lostClient));
    }

    [Fact]
    public void APrefixWithoutABridgeWhenLostIsBridgedOnceALoopFreeRouteAppearsWhileBabelHasNone()
    {
        // Saved from a failing cut: the far end (a server) had no loop-free alternative, bounced its tap, and then held
        // only unfeasible routes to the cut node (an older seqno) while a neighbour announced it at 111, loop-free.
        var (failover, commands) = Recording(hello: 15);
        var t0 = DateTimeOffset.UnixEpoch;
        failover.Suspect("A", LostOnServer, t0);
        failover.Update(Dump(
            $"add route 1 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 102 refmetric 0 via {Lost} if vifib-s0",
            "add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 304 refmetric 202 via fe80::c if vifib-c0"), t0);
        Assert.Empty(commands); // C routes through us (202 = its link to us plus our 102)
        failover.Update(Dump(
            "add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 213 refmetric 111 via fe80::c if vifib-c0"), t0.AddSeconds(1));
        Assert.Equal(["-6 route replace 2001:db8:42:a::1/128 via fe80::c dev vifib-c0 table 30463"], commands);
        failover.Cleared("A", LostOnServer);
        failover.Update(Dump(
            "add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 213 refmetric 111 via fe80::c if vifib-c0"), t0.AddSeconds(2));
        Assert.Empty(failover.Bridges); // no longer held once the neighbour answers
    }
}
