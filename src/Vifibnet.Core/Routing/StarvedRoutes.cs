using System.Net;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.Routing;

/// <summary>
/// Bridges babel's starvation. After a cut, a node several hops away may lose its route to a prefix while its neighbours
/// still announce it, only with metrics above its feasibility distance: babeld installs none of them and waits for a
/// seqno round trip with the prefix's origin, which may never come until some other request raises that seqno (bench/mesh,
/// hello 15: two NATed nodes could not reach each other for 70 s after a cut two hops away; no daemon on the way had lost a
/// neighbour, so <see cref="FailoverRoutes"/> had nothing to bridge).
/// A starved prefix gets a bridge in <see cref="FailoverRoutes.Table"/> through the neighbour announcing the lowest
/// metric, tried first: an echo request goes out over it, and it is refused when a node answers that the packet looped
/// (hop limit exceeded) or had no way on (unreachable). An answer, or silence (the far end may be starved of the way back
/// too), keeps it: a starved prefix is dropped anyway. The bridge goes as soon as babel installs a route for the prefix,
/// and is tried again every <see cref="Recheck"/>.
/// </summary>
public sealed class StarvedRoutes(Logger log, Func<string[], (int ExitCode, string Output)>? ip = null, Func<IPAddress, CancellationToken, Task<StarvedRoutes.Verdict>>? probe = null)
{
    /// <summary>How long a bridge stands before it is tried again (another node's route may have turned back through us).</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    readonly Func<string[], (int ExitCode, string Output)> ip = ip ?? FailoverRoutes.RunIp;
    readonly Func<IPAddress, CancellationToken, Task<Verdict>> probe = probe ?? ProbeAsync;
    readonly object gate = new();
    readonly Dictionary<string, (BabelRoute Via, DateTimeOffset Since)> bridges = [];
    readonly HashSet<string> trying = [];

    /// <summary>The bridged prefixes and their next hops now.</summary>
    public IReadOnlyDictionary<string, BabelRoute> Bridges
    {
        get { lock (gate) return bridges.ToDictionary(b => b.Key, b => b.Value.Via); }
    }

    /// <summary>What a trial echo request over a bridge said.</summary>
    public enum Verdict { Answered, Silent, Looped, Unreachable }

    /// <summary>
    /// The prefixes babel knows finite routes for but has installed none of: all unfeasible, so starved. The candidates are
    /// the routes through a named next hop, best metric first. Pure: unit-tested on dumps.
    /// </summary>
    public static IReadOnlyList<(string Prefix, IReadOnlyList<BabelRoute> Candidates)> Find(IReadOnlyList<BabelRoute> routes) =>
        [.. routes.GroupBy(r => r.Prefix)
            .Where(g => !g.Any(r => r.Installed))
            .Select(g => (g.Key, (IReadOnlyList<BabelRoute>)[.. g.Where(r => r.Via is not null && r.Metric < BabelRoute.Infinity).OrderBy(r => r.Metric)]))
            .Where(p => p.Item2.Count > 0)];

    /// <summary>
    /// What iputils' ping printed says of the path: a reply wins; then a hop-limit report (a loop) or an unreachable one.
    /// (.NET's own Ping reports a loop as a timeout: it does not read ICMPv6 errors.)
    /// </summary>
    public static Verdict Read(string pingOutput) =>
        pingOutput.Contains(" bytes from ", StringComparison.Ordinal) ? Verdict.Answered
        : pingOutput.Contains("Time exceeded", StringComparison.Ordinal) ? Verdict.Looped
        : pingOutput.Contains("unreachable", StringComparison.OrdinalIgnoreCase) ? Verdict.Unreachable
        : Verdict.Silent;

    /// <summary>The address a prefix's echo request goes to: the node's own address (the prefix itself for a /128, else its ::1).</summary>
    public static IPAddress Target(BabelRoute route)
    {
        if (route.Length == 128) return route.Destination;
        var bytes = route.Destination.GetAddressBytes();
        bytes[^1] |= 1;
        return new IPAddress(bytes);
    }

    /// <summary>
    /// Each daemon tick, with babel's routes and the prefixes <see cref="FailoverRoutes"/> bridges (left to it): bridges go
    /// where babel has a route again; starved prefixes without a bridge, or with one due for a recheck, are tried in the
    /// background; the task ends when those trials have (the daemon does not wait for it, tests do).
    /// </summary>
    public Task Update(IReadOnlyList<BabelRoute> routes, IReadOnlySet<string> bridgedElsewhere, DateTimeOffset now, CancellationToken cancel)
    {
        var starved = Find(routes).Where(s => !bridgedElsewhere.Contains(s.Prefix)).ToDictionary(s => s.Prefix, s => s.Candidates);
        List<(string Prefix, IReadOnlyList<BabelRoute> Candidates)> toTry;
        lock (gate)
        {
            // FailoverRoutes replaced our route with its own (a neighbour lost): forgotten, not deleted.
            foreach (var prefix in bridges.Keys.Where(bridgedElsewhere.Contains).ToList()) bridges.Remove(prefix);
            foreach (var (prefix, (via, _)) in bridges.Where(b => !starved.ContainsKey(b.Key)).ToList())
            {
                Remove(prefix, via);
                log.Info($"starved {prefix}: babel routes it again; its bridge through {via.Via} on {via.Device} is removed");
            }
            toTry = [.. starved.Where(s => !trying.Contains(s.Key) && (!bridges.TryGetValue(s.Key, out var b) || now - b.Since >= Recheck))
                .Select(s => (s.Key, s.Value))];
            foreach (var (prefix, _) in toTry) trying.Add(prefix);
        }
        return Task.WhenAll(toTry.Select(t => TryAsync(t.Prefix, t.Candidates, cancel)));
    }

    async Task TryAsync(string prefix, IReadOnlyList<BabelRoute> candidates, CancellationToken cancel)
    {
        BabelRoute? onTrial = null;
        try
        {
            foreach (var candidate in candidates)
            {
                cancel.ThrowIfCancellationRequested(); // the daemon stops: nothing more goes into the table
                if (!Install(prefix, candidate)) continue;
                onTrial = candidate;
                var verdict = await probe(Target(candidate), cancel).ConfigureAwait(false);
                if (verdict is Verdict.Answered or Verdict.Silent)
                {
                    bool fresh;
                    lock (gate)
                    {
                        fresh = !bridges.TryGetValue(prefix, out var old) || !Equals(old.Via.Via, candidate.Via) || old.Via.Device != candidate.Device;
                        bridges[prefix] = (candidate, DateTimeOffset.UtcNow);
                    }
                    onTrial = null;
                    if (fresh) log.Info($"starved {prefix} (babel has only unfeasible routes): bridged through {candidate.Via} on {candidate.Device}, metric {candidate.Metric} ({verdict.ToString().ToLowerInvariant()})");
                    return;
                }
                log.Debug($"starved {prefix}: not through {candidate.Via} on {candidate.Device} ({verdict.ToString().ToLowerInvariant()})");
                lock (gate) Remove(prefix, candidate);
                onTrial = null;
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            // A failed ping or ip must not take the daemon down: the prefix is tried again at a later tick.
            log.Warning($"starved {prefix}: trying a bridge failed: {e.Message}");
        }
        finally
        {
            lock (gate)
            {
                // A trial cut short leaves no untracked route behind to shadow babel's once it routes the prefix again.
                if (onTrial is not null) Remove(prefix, onTrial);
                trying.Remove(prefix);
            }
        }
    }

    bool Install(string prefix, BabelRoute via)
    {
        var (code, output) = ip(FailoverRoutes.ReplaceRoute(prefix, via.Via!, via.Device));
        if (code != 0) log.Warning($"cannot bridge starved {prefix} through {via.Via} on {via.Device}: {output.Trim()}");
        return code == 0;
    }

    // Only our own route: a bridge FailoverRoutes put in its place since is left alone.
    void Remove(string prefix, BabelRoute via)
    {
        ip(FailoverRoutes.DeleteRoute(prefix, via.Via, via.Device));
        bridges.Remove(prefix);
    }

    /// <summary>Two echo requests 0.3 s apart and a second's wait: time for a loop's hop-limit report, short enough to heal in seconds.</summary>
    static async Task<Verdict> ProbeAsync(IPAddress target, CancellationToken cancel) =>
        Read((await Task.Run(() => Command.TryRun(Tools.Ping, "-6", "-n", "-c", "2", "-i", "0.3", "-W", "1", target.ToString()), cancel).ConfigureAwait(false)).Output);
}
