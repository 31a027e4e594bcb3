namespace Vifibnet.Registry;

/// <summary>
/// The signed requests seen inside the timestamp window, to refuse a replay. Kept by the second of the
/// request's own timestamp, 64 bits of the signature's hash each (a false match among a million kept
/// requests has odds of 1 in 10^13, and could only refuse a request, never admit one): a request outside the window is refused
/// on its timestamp alone, so a second's set is dropped as soon as that second leaves the window.
/// Memory is bounded by time (requests per second × the window), never by how many requests came before.
/// </summary>
public sealed class ReplayWindow(long windowSeconds)
{
    readonly Dictionary<long, HashSet<ulong>> bySecond = [];
    readonly object gate = new();
    long oldestKept = long.MinValue;

    /// <summary>
    /// Records a request (64 bits of its signature's hash); false when the same one was already recorded (a replay).
    /// <paramref name="timestamp"/> is the request's own, already checked to be inside the window around <paramref name="now"/>.
    /// </summary>
    public bool TryRecord(ulong request, long timestamp, long now)
    {
        lock (gate)
        {
            DropBefore(now - windowSeconds);
            if (!bySecond.TryGetValue(timestamp, out var seen))
                bySecond[timestamp] = seen = [];
            return seen.Add(request);
        }
    }

    /// <summary>How many requests are remembered.</summary>
    public int Count
    {
        get { lock (gate) return bySecond.Values.Sum(s => s.Count); }
    }

    void DropBefore(long cutoff)
    {
        if (cutoff <= oldestKept) return;
        // Seconds are dropped one clock second at a time, so this loop is short except after an idle spell.
        foreach (var second in bySecond.Keys.Where(s => s < cutoff).ToList())
            bySecond.Remove(second);
        oldestKept = cutoff;
    }
}
