namespace Vifibnet.Registry;

/// <summary>
/// The signed requests seen inside the timestamp window, to refuse a replay. Kept by the second of the
/// request's own timestamp, 64 bits of the signature's hash each (a false match among a million kept
/// requests has odds of 1 in 10^13, and could only refuse a request, never admit one). A request
/// outside the window is refused on its timestamp alone, so a second's set is emptied once that second
/// has left the window: the sets form a ring of one slot per second of the window, reused (emptied,
/// keeping their capacity) rather than dropped, so the replay memory is bounded by time (requests per
/// second × the window) and makes no garbage for the GC to carry.
/// </summary>
public sealed class ReplayWindow
{
    readonly Slot[] ring;
    readonly long windowSeconds;
    readonly object gate = new();
    long latest = long.MinValue;

    sealed class Slot
    {
        public long Second;
        public readonly HashSet<ulong> Seen = [];
    }

    public ReplayWindow(long windowSeconds)
    {
        this.windowSeconds = windowSeconds;
        // Every second of [now - window, now + window] has a slot of its own.
        ring = new Slot[2 * windowSeconds + 1];
    }

    /// <summary>
    /// Records a request (64 bits of its signature's hash); false when the same one was already recorded (a replay).
    /// <paramref name="timestamp"/> is the request's own, already checked to be inside the window around <paramref name="now"/>.
    /// </summary>
    public bool TryRecord(ulong request, long timestamp, long now)
    {
        lock (gate)
        {
            latest = Math.Max(latest, now);
            var slot = ring[(int)(((timestamp % ring.Length) + ring.Length) % ring.Length)] ??= new Slot { Second = timestamp };
            if (slot.Second != timestamp)
            {
                // Another second with this slot: out of the window (two seconds inside it never share one).
                slot.Seen.Clear();
                slot.Second = timestamp;
            }
            return slot.Seen.Add(request);
        }
    }

    /// <summary>How many requests are remembered for seconds still inside the window.</summary>
    public int Count
    {
        get
        {
            lock (gate)
                return ring.Where(s => s is not null && s.Second >= latest - windowSeconds && s.Second <= latest + windowSeconds).Sum(s => s!.Seen.Count);
        }
    }
}
