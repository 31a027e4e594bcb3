namespace Vifibnet.Simulation;

/// <summary>Independent, reproducible generators derived from one seed, one per purpose.</summary>
static class SeededRandom
{
    public const int Registry = 1, Policy = 2, Sampling = 3, Failures = 4, Repair = 16;

    public static Random For(int seed, int purpose)
    {
        // SplitMix64 of (seed, purpose): nearby seeds and purposes give unrelated streams.
        var x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)purpose * 0xD1B54A32D192ED03UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return new Random((int)(x & int.MaxValue));
    }
}
