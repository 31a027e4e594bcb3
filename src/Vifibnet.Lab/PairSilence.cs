using System.Diagnostics;
using System.Net;

namespace Vifibnet.Lab;

/// <summary>
/// The longest time each ordered pair of hosts went without an answer, to a fifth of a second: one
/// real `ping -i 0.2` per pair runs for the whole measurement, and every reply line is timed when it
/// arrives (ping flushes each line). Pinging the pairs in turn with a timeout, as the mesh tests did,
/// blurred a 2-s silence into 8 s; this is what a figure like "the renewal gap" is measured with.
/// </summary>
public sealed class PairSilence : IDisposable
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    readonly object gate = new();
    readonly Dictionary<(int From, int To), TimeSpan> lastReply = [];
    // Per pair, its longest silence between two replies so far and when that silence began.
    readonly Dictionary<(int From, int To), (TimeSpan Silence, TimeSpan Began)> longest = [];
    readonly List<Processes.ChildProcess> pingers = [];
    // When the last silence longer than OutageGap ended, per pair: when a cut or a reboot healed for that pair.
    readonly Dictionary<(int From, int To), TimeSpan> lastOutageEnd = [];

    /// <summary>A pair without an answer this long is dark: 5 echo requests missed at once, not one lost packet.</summary>
    public static readonly TimeSpan OutageGap = TimeSpan.FromSeconds(1);

    PairSilence() { }

    /// <summary>Starts pinging every ordered pair of <paramref name="hosts"/> (index = host number) every 200 ms.</summary>
    public static PairSilence Start(NetworkLab lab, IReadOnlyList<(string Namespace, IPAddress Address)> hosts)
    {
        var silence = new PairSilence();
        for (var a = 0; a < hosts.Count; a++)
            for (var b = 0; b < hosts.Count; b++)
            {
                if (a == b) continue;
                var pair = (a, b);
                silence.lastReply[pair] = TimeSpan.Zero;
                silence.pingers.Add(lab.Start(hosts[a].Namespace, $"ping {a}->{b}", "ping",
                    ["-n", "-i", "0.2", "-W", "1", hosts[b].Address.ToString()], null, line => silence.OnLine(pair, line)));
            }
        return silence;
    }

    void OnLine((int, int) pair, string line)
    {
        if (!line.Contains("bytes from", StringComparison.Ordinal)) return;
        var now = clock.Elapsed;
        lock (gate) Record(pair, now);
    }

    void Record((int, int) pair, TimeSpan now)
    {
        var gap = now - lastReply[pair];
        if (gap > longest.GetValueOrDefault(pair).Silence) longest[pair] = (gap, lastReply[pair]);
        if (gap > OutageGap) lastOutageEnd[pair] = now;
        lastReply[pair] = now;
    }

    /// <summary>The pair silent the longest since the start, counting a silence still going on, and when it began (UTC).</summary>
    public (int From, int To, TimeSpan Silence, DateTimeOffset Began) Worst()
    {
        lock (gate)
        {
            var now = clock.Elapsed;
            var (pair, (silence, began)) = lastReply.Keys.Select(p => (Pair: p, Longest: LongestOf(p, now))).MaxBy(x => x.Longest.Silence);
            return (pair.From, pair.To, silence, started + began);
        }
    }

    (TimeSpan Silence, TimeSpan Began) LongestOf((int, int) pair, TimeSpan now)
    {
        var ongoing = (Silence: now - lastReply[pair], Began: lastReply[pair]);
        var done = longest.GetValueOrDefault(pair);
        return done.Silence >= ongoing.Silence ? done : ongoing;
    }

    /// <summary>
    /// How long after <paramref name="since"/> the last pair dark after it answered again (zero when none went dark); null
    /// while a pair is still dark. Timed to the reply, so to 0.2 s, where a watcher pinging the pairs in rounds is not.
    /// </summary>
    public TimeSpan? HealedAfter(DateTimeOffset since)
    {
        lock (gate)
        {
            var now = clock.Elapsed;
            if (lastReply.Values.Any(last => now - last > OutageGap)) return null;
            var from = since - started;
            var healed = lastOutageEnd.Values.Where(end => end > from).DefaultIfEmpty(from).Max();
            return healed - from;
        }
    }

    public void Dispose()
    {
        foreach (var p in pingers) p.Dispose();
    }
}
