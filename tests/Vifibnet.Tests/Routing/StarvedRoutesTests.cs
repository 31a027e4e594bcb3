using System.Net;
using Vifibnet.Logging;
using Vifibnet.Routing;

namespace Vifibnet.Tests.Routing;

/// <summary>
/// <see cref="StarvedRoutes"/> on babeld dumps: which prefixes are starved, which bridge a trial keeps, and the `ip`
/// commands it issues (recorded here, with the echo request's outcome given; the mesh tests run both for real).
/// </summary>
public sealed class StarvedRoutesTests
{
    static IReadOnlyList<BabelRoute> Dump(params string[] lines) => BabelRoute.ParseDump(lines);

    // A is routed; B has lost its route and two neighbours announce it above our feasibility distance; C is retracted everywhere.
    static readonly IReadOnlyList<BabelRoute> Starving = Dump(
        "add route 1 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 96 refmetric 0 via fe80::a if vifib-c0",
        "add route 2 prefix 2001:db8:42:a::1/128 from ::/0 installed no id x metric 288 refmetric 192 via fe80::c if vifib-c1",
        "add route 3 prefix 2001:db8:42:b::1/128 from ::/0 installed no id y metric 383 refmetric 287 via fe80::c if vifib-c1",
        "add route 4 prefix 2001:db8:42:b::1/128 from ::/0 installed no id y metric 288 refmetric 192 via fe80::a if vifib-c0",
        "add route 5 prefix 2001:db8:42:b::1/128 from ::/0 installed no id y metric 65535 refmetric 96 via fe80::d if vifib-s0",
        "add route 6 prefix 2001:db8:42:c::1/128 from ::/0 installed no id z metric 65535 refmetric 96 via fe80::a if vifib-c0");

    static readonly IReadOnlyList<BabelRoute> Recovered = Dump(
        "add route 1 prefix 2001:db8:42:a::1/128 from ::/0 installed yes id x metric 96 refmetric 0 via fe80::a if vifib-c0",
        "add route 3 prefix 2001:db8:42:b::1/128 from ::/0 installed yes id y metric 383 refmetric 287 via fe80::c if vifib-c1");

    [Fact]
    public void APrefixWithOnlyUninstalledFiniteRoutesIsStarvedAndItsCandidatesComeBestFirst()
    {
        var (prefix, candidates) = Assert.Single(StarvedRoutes.Find(Starving));
        Assert.Equal("2001:db8:42:b::1/128", prefix);
        Assert.Equal(["fe80::a", "fe80::c"], candidates.Select(c => c.Via!.ToString()));
    }

    [Fact]
    public async Task ATrialThatLoopsIsRefusedTheNextCandidateIsKeptAndTheBridgeGoesWhenBabelRoutesAgain()
    {
        var commands = new List<string>();
        var tried = new List<IPAddress>();
        var starved = new StarvedRoutes(new Logger(LogLevel.Warning, _ => { }), args => { commands.Add(string.Join(' ', args)); return (0, ""); },
            (target, _) =>
            {
                tried.Add(target);
                // The cheaper neighbour routes B back through us: the echo request's hop limit runs out.
                return Task.FromResult(commands[^1].Contains("fe80::a") ? StarvedRoutes.Verdict.Looped : StarvedRoutes.Verdict.Silent);
            });
        await starved.Update(Starving, new HashSet<string>(), DateTimeOffset.UtcNow, default);
        Assert.Equal([
            "-6 route replace 2001:db8:42:b::1/128 via fe80::a dev vifib-c0 table 30463",
            "-6 route del 2001:db8:42:b::1/128 via fe80::a dev vifib-c0 table 30463",
            "-6 route replace 2001:db8:42:b::1/128 via fe80::c dev vifib-c1 table 30463",
        ], commands);
        Assert.Equal([IPAddress.Parse("2001:db8:42:b::1"), IPAddress.Parse("2001:db8:42:b::1")], tried);
        Assert.Equal(IPAddress.Parse("fe80::c"), Assert.Single(starved.Bridges).Value.Via);

        // Within the recheck time the bridge stands untried; once babel installs a route of its own, it goes.
        commands.Clear();
        await starved.Update(Starving, new HashSet<string>(), DateTimeOffset.UtcNow, default);
        Assert.Empty(commands);
        await starved.Update(Recovered, new HashSet<string>(), DateTimeOffset.UtcNow, default);
        Assert.Equal(["-6 route del 2001:db8:42:b::1/128 via fe80::c dev vifib-c1 table 30463"], commands);
        Assert.Empty(starved.Bridges);
    }

    [Fact]
    public async Task NoBridgeWhenEveryCandidateLoopsOrLeadsNowhereAndNoneForWhatFailoverRoutesBridges()
    {
        var commands = new List<string>();
        var verdicts = new Queue<StarvedRoutes.Verdict>([StarvedRoutes.Verdict.Looped, StarvedRoutes.Verdict.Unreachable]);
        var starved = new StarvedRoutes(new Logger(LogLevel.Warning, _ => { }), args => { commands.Add(string.Join(' ', args)); return (0, ""); },
            (_, _) => Task.FromResult(verdicts.Dequeue()));
        await starved.Update(Starving, new HashSet<string> { "2001:db8:42:b::1/128" }, DateTimeOffset.UtcNow, default);
        Assert.Empty(commands);
        await starved.Update(Starving, new HashSet<string>(), DateTimeOffset.UtcNow, default);
        Assert.Equal(4, commands.Count); // two tried, two taken back
        Assert.Empty(starved.Bridges);
    }

    [Fact]
    public async Task ATrialThatFailsLeavesNoRouteBehind()
    {
        var commands = new List<string>();
        var starved = new StarvedRoutes(new Logger(LogLevel.Warning, _ => { }), args => { commands.Add(string.Join(' ', args)); return (0, ""); },
            (_, _) => throw new InvalidOperationException("ping is not installed"));
        await starved.Update(Starving, new HashSet<string>(), DateTimeOffset.UtcNow, default);
        Assert.Equal([
            "-6 route replace 2001:db8:42:b::1/128 via fe80::a dev vifib-c0 table 30463",
            "-6 route del 2001:db8:42:b::1/128 via fe80::a dev vifib-c0 table 30463",
        ], commands);
        Assert.Empty(starved.Bridges);
    }

    // iputils ping's own words, from a loop, a "no route" and a blackhole between two namespaces, and an answer.
    [Theory]
    [InlineData("PING 2001:db8:99::1(2001:db8:99::1) 56 data bytes\nFrom 2001:db8:ff::1 icmp_seq=1 Time exceeded: Hop limit\n\n--- 2001:db8:99::1 ping statistics ---\n2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1006ms", StarvedRoutes.Verdict.Looped)]
    [InlineData("PING 2001:db8:98::1(2001:db8:98::1) 56 data bytes\nFrom 2001:db8:ff::2 icmp_seq=1 Destination unreachable: No route\n", StarvedRoutes.Verdict.Unreachable)]
    [InlineData("PING 2001:db8:96::1(2001:db8:96::1) 56 data bytes\n\n--- 2001:db8:96::1 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms", StarvedRoutes.Verdict.Silent)]
    [InlineData("PING 2001:db8:97::1(2001:db8:97::1) 56 data bytes\nFrom 2001:db8:ff::1 icmp_seq=1 Time exceeded: Hop limit\n64 bytes from 2001:db8:97::1: icmp_seq=2 ttl=64 time=0.05 ms", StarvedRoutes.Verdict.Answered)]
    public void PingsWordsSayWhatThePathDoes(string output, StarvedRoutes.Verdict verdict) => Assert.Equal(verdict, StarvedRoutes.Read(output));

    [Fact]
    public void ASubnetIsProbedAtItsNodesAddress() =>
        Assert.Equal(IPAddress.Parse("2001:db8:42:b::1"), StarvedRoutes.Target(new BabelRoute(IPAddress.Parse("2001:db8:42:b::"), 64, "vifib-c0", false)));
}
