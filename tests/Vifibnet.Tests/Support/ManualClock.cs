namespace Vifibnet.Tests.Support;

/// <summary>A clock the test moves by hand (expiry, time-outs, replay windows), instead of sleeping for a day.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset now = start;

    public ManualClock() : this(DateTimeOffset.UtcNow) { }

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
