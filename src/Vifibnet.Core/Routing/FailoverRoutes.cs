using System.Globalization;
using System.Net;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.Routing;

/// <summary>
/// Bridges the seconds between a tunnel's death and babel noticing it. A server's clients share one
/// tap device, so when openvpn drops a silent client (--tunnel-timeout) nothing disappears for babeld:
/// it keeps routing through the lost neighbour until it has missed two or three hellos (45 s at
/// hello 15). When the daemon sees a peer leave (a server client gone, a client tunnel closed), the
/// routes babel has installed through that peer's link-local address get a bridge route through
/// babel's best other route for the same prefix, in a table of our own looked up before main.
/// babeld's own routes are never touched; a bridge is removed as soon as babel's installed route no
/// longer uses the lost neighbour (or the peer is back), and after <see cref="MaxAge"/> at the latest.
/// </summary>
public sealed class FailoverRoutes
{
    /// <summary>The routing table of the bridges, and the preference of the rule that looks it up (before main's 32766).</summary>
    public const int Table = 30463;

    public const int RulePreference = 30463;

    /// <summary>A lost neighbour: where the peer's routes went (link-local next hop and device).</summary>
    public sealed record Neighbour(IPAddress Via, string Device)
    {
        /// <summary>Whether <paramref name="route"/> goes through this neighbour.</summary>
        public bool Carries(BabelRoute route) => route.Device == Device && Equals(route.Via, Via);
    }

    /// <summary>A bridge route in our table: <paramref name="Prefix"/> through <paramref name="Via"/> on <paramref name="Device"/> instead of the lost neighbour.</summary>
    public sealed record Bridge(string Prefix, Neighbour Lost, IPAddress Via, string Device, DateTimeOffset Since);

    readonly Func<string[], (int ExitCode, string Output)> ip;
    readonly Logger log;
    readonly Dictionary<string, Bridge> bridges = [];
    readonly Dictionary<string, (Neighbour Neighbour, DateTimeOffset Since)> lost = [];
    // Per lost neighbour, the prefixes babel routed through it since it was lost, with our metric then: held for a bridge
    // while babel has no route for them (its other routes unfeasible until a seqno round trip).
    readonly Dictionary<Neighbour, Dictionary<string, int>> routedThroughLost = [];

    /// <summary>How long a bridge may stay while babel still routes through the lost neighbour.</summary>
    public TimeSpan MaxAge { get; }

    /// <param name="hello">babel's hello interval in seconds: babel drops a silent neighbour after about 3 of them.</param>
    /// <param name="log">Where bridges are reported.</param>
    /// <param name="ip">Runs `ip` with these arguments (default: the real one); returns its exit code and output.</param>
    public FailoverRoutes(int hello, Logger log, Func<string[], (int, string)>? ip = null)
    {
        // babel drops a silent neighbour after 2-3 hellos: a bridge older than that only outlives its use.
        MaxAge = TimeSpan.FromSeconds(3 * hello + 10);
        this.log = log;
        this.ip = ip ?? RunIp;
    }

    public IReadOnlyCollection<Bridge> Bridges => bridges.Values;

    /// <summary>
    /// For each installed route through <paramref name="lostNeighbour"/>: babel's best other usable, loop-free route
    /// for the same prefix (lowest metric, another next hop), if it has one. Also for each prefix in
    /// <paramref name="held"/> (routed through the lost neighbour before, with our metric then) for which babel has no installed route at all:
    /// a suspected client tunnel's tap is bounced, babeld flushes the routes learned on it, and its other routes may be
    /// unfeasible until a seqno request has gone to the prefix's origin and back (seconds), while the bridge works.
    /// Pure: unit-tested on dumps.
    /// </summary>
    public static IReadOnlyList<(string Prefix, BabelRoute Alternative, int OurMetric)> Plan(IReadOnlyList<BabelRoute> routes, Neighbour lostNeighbour,
        IReadOnlyDictionary<string, int>? held = null)
    {
        var routed = routes.Where(r => r.Installed && r.Metric < BabelRoute.Infinity).Select(r => r.Prefix).ToHashSet();
        var dead = routes.Where(r => r.Installed && lostNeighbour.Carries(r)).DistinctBy(r => r.Prefix).Select(r => (r.Prefix, r.Metric)).ToList();
        dead.AddRange((held ?? new Dictionary<string, int>()).Where(h => !routed.Contains(h.Key) && dead.All(d => d.Prefix != h.Key)).Select(h => (h.Key, h.Value)));
        var plan = new List<(string, BabelRoute, int)>();
        foreach (var (prefix, ourMetric) in dead)
        {
            // Loop-free only. babeld does no split horizon on our taps (a server's tap must repeat routes between its
            // clients, and babeld cannot tell a tap is wired), so a neighbour whose own route comes back through us announces
            // at least its link to us (never below babel's wired cost) plus our own metric. Anything announcing that much
            // may be such a loop, and none is taken: no bridge is better than one that sends the packets back to us.
            var alternative = routes.Where(r => r.Prefix == prefix && !lostNeighbour.Carries(r) && r.Via is not null && r.Metric < BabelRoute.Infinity
                    && r.RefMetric < Math.Min(r.Metric - r.RefMetric, BabelRoute.WiredLinkCost) + ourMetric)
                .MinBy(r => r.Metric);
            if (alternative is not null) plan.Add((prefix, alternative, ourMetric));
        }
        return plan;
    }

    /// <summary>
    /// The neighbours that are peers themselves: a route with refmetric 0 comes from the node that announces it,
    /// so its next hop is that node's link-local address (<paramref name="peerOf"/> maps an address to its peer).
    /// </summary>
    public static IReadOnlyDictionary<string, Neighbour> NeighboursOf(IReadOnlyList<BabelRoute> routes, Func<IPAddress, string?> peerOf)
    {
        var result = new Dictionary<string, Neighbour>();
        foreach (var r in routes.Where(r => r.RefMetric == 0 && r.Via is not null && r.Metric < BabelRoute.Infinity).OrderByDescending(r => r.Installed))
            if (peerOf(r.Destination) is { } peer) result.TryAdd(peer, new Neighbour(r.Via!, r.Device));
        return result;
    }

    /// <summary>Whether every route babel has installed through <paramref name="neighbour"/> has a bridge (none: true).</summary>
    public bool Bridged(IReadOnlyList<BabelRoute> routes, Neighbour neighbour) =>
        routes.Where(r => r.Installed && neighbour.Carries(r))
            .All(r => bridges.TryGetValue(r.Prefix, out var b) && b.Lost == neighbour);

    /// <summary>Removes what a killed earlier run left and adds the rule that looks our table up.</summary>
    public void Start()
    {
        Stop();
        var (code, output) = ip(["-6", "rule", "add", "pref", Num(RulePreference), "lookup", Num(Table)]);
        if (code != 0) log.Warning($"cannot add the failover routing rule (ip -6 rule add pref {RulePreference} lookup {Table}): {output.Trim()}; tunnels fail over at babel's pace");
    }

    /// <summary>Removes every bridge and the rule.</summary>
    public void Stop()
    {
        ip(["-6", "route", "flush", "table", Num(Table)]);
        while (ip(["-6", "rule", "del", "pref", Num(RulePreference)]).ExitCode == 0) { }
        bridges.Clear();
        lost.Clear();
        routedThroughLost.Clear();
    }

    /// <summary>A peer left (its tunnel died or closed): bridge the routes babel still sends through it.</summary>
    public void Lost(string peer, Neighbour neighbour, DateTimeOffset now)
    {
        lost[peer] = (neighbour, now);
        log.Info($"peer {peer} left {neighbour.Device} ({neighbour.Via}): bridging babel's routes through it until babel notices");
    }

    /// <summary>
    /// The tunnel probe suspects a neighbour that still has its tunnel (silent for --probe-timeout): bridged like a lost
    /// one, until <see cref="Cleared"/> (it answered again) or openvpn gives the tunnel up and it is lost for good.
    /// </summary>
    public void Suspect(string peer, Neighbour neighbour, DateTimeOffset now)
    {
        lost[peer] = (neighbour, now);
        log.Info($"peer {peer} on {neighbour.Device} ({neighbour.Via}) answers no probe: bridging babel's routes through it");
    }

    /// <summary>A suspected neighbour answered again: its bridges go at the next <see cref="Update"/>.</summary>
    public void Cleared(string peer, Neighbour neighbour)
    {
        if (lost.TryGetValue(peer, out var entry) && entry.Neighbour == neighbour && lost.Remove(peer))
            log.Info($"peer {peer} on {neighbour.Device} answers probes again: its bridges go");
    }

    /// <summary>
    /// Each daemon tick: bridges for the lost neighbours babel still routes through (or routed through, and now
    /// has no route at all), re-pointed when babel's best alternative changed; removed when babel caught up or after
    /// <see cref="MaxAge"/>. (A peer that comes
    /// back has a new tap, so a new link-local address: the lost one stays lost.)
    /// </summary>
    public void Update(IReadOnlyList<BabelRoute> routes, DateTimeOffset now)
    {
        foreach (var (peer, (_, since)) in lost.ToList())
            if (now - since > MaxAge) lost.Remove(peer);
        foreach (var gone in routedThroughLost.Keys.Where(n => lost.Values.All(l => l.Neighbour != n)).ToList())
            routedThroughLost.Remove(gone);
        var wanted = new Dictionary<string, Bridge>();
        foreach (var (_, (neighbour, since)) in lost)
        {
            if (!routedThroughLost.TryGetValue(neighbour, out var held)) routedThroughLost[neighbour] = held = [];
            foreach (var r in routes.Where(r => r.Installed && neighbour.Carries(r)))
                held.TryAdd(r.Prefix, r.Metric);
            foreach (var (prefix, alternative, _) in Plan(routes, neighbour, held))
                wanted.TryAdd(prefix, new Bridge(prefix, neighbour, alternative.Via!, alternative.Device, since));
        }
        foreach (var old in bridges.Values.Where(b => !wanted.ContainsKey(b.Prefix)).ToList())
        {
            ip(DeleteRoute(old.Prefix));
            bridges.Remove(old.Prefix);
            log.Debug($"bridge for {old.Prefix} removed: babel no longer routes it through {old.Lost.Via} on {old.Lost.Device}");
        }
        foreach (var b in wanted.Values)
        {
            if (bridges.TryGetValue(b.Prefix, out var current) && current.Via.Equals(b.Via) && current.Device == b.Device) continue;
            var (code, output) = ip(ReplaceRoute(b.Prefix, b.Via, b.Device));
            if (code != 0)
            {
                log.Warning($"cannot bridge {b.Prefix} through {b.Via} on {b.Device}: {output.Trim()}");
                continue;
            }
            bridges[b.Prefix] = b;
            log.Debug($"bridge for {b.Prefix}: through {b.Via} on {b.Device} instead of {b.Lost.Via} on {b.Lost.Device}");
        }
    }

    /// <summary>`ip` arguments putting <paramref name="prefix"/> through <paramref name="via"/> on <paramref name="device"/> in our table (also <see cref="StarvedRoutes"/>' bridges).</summary>
    internal static string[] ReplaceRoute(string prefix, IPAddress via, string device) =>
        ["-6", "route", "replace", prefix, "via", via.ToString(), "dev", device, "table", Num(Table)];

    /// <summary>`ip` arguments removing <paramref name="prefix"/> from our table: any route, or only the one through <paramref name="via"/> on <paramref name="device"/>.</summary>
    internal static string[] DeleteRoute(string prefix, IPAddress? via = null, string? device = null) =>
        via is null || device is null
            ? ["-6", "route", "del", prefix, "table", Num(Table)]
            : ["-6", "route", "del", prefix, "via", via.ToString(), "dev", device, "table", Num(Table)];

    /// <summary>The real `ip`, the runner both kinds of bridge use unless a test records the arguments instead.</summary>
    internal static (int ExitCode, string Output) RunIp(string[] args) => Command.TryRun(Tools.Ip, args);

    static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
