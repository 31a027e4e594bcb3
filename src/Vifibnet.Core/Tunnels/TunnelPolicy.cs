namespace Vifibnet.Tunnels;

/// <summary>What the policy knows of one of our client tunnels.</summary>
/// <param name="Peer">The peer's node prefix (binary).</param>
/// <param name="Alive">False once openvpn gave up on it (ping-exit) or its process died.</param>
/// <param name="RoutesCarried">How many babel routes currently use this tunnel as next hop.</param>
/// <param name="Traffic">Bytes through the tunnel since the last refresh.</param>
public sealed record TunnelView(string Peer, bool Alive, int RoutesCarried, long Traffic);

/// <summary>The daemon's state as the tunnel policy sees it (the simulator builds the same thing).</summary>
/// <param name="Tunnels">Our client tunnels.</param>
/// <param name="Candidates">Peers we may open a tunnel to: in the peer DB, not ours already, not flagged, not on a LAN interface, not connected to our servers already, not us.</param>
/// <param name="ConnectionCount">The seed's --connection-count.</param>
/// <param name="RefreshRate">The seed's --refresh-rate, 0..1.</param>
/// <param name="Refresh">True at a --tunnel-refresh tick; false for the quick repair between ticks (dead tunnels only).</param>
public sealed record PolicyInput(
    IReadOnlyList<TunnelView> Tunnels,
    IReadOnlyList<string> Candidates,
    int ConnectionCount,
    double RefreshRate,
    bool Refresh);

/// <summary>What to do: tunnels to close (of which the dead ones' peers are flagged) and peers to open tunnels to.</summary>
public sealed record PolicyDecision(IReadOnlyList<string> Close, IReadOnlyList<string> Flag, IReadOnlyList<string> Open)
{
    public static PolicyDecision None { get; } = new([], [], []);
}

/// <summary>The tunnel choice as a pure function of the state: the daemon and the simulator both call it.</summary>
public interface ITunnelPolicy
{
    PolicyDecision Decide(PolicyInput input, Random random);
}

/// <summary>
/// The seed's tunnel refresh: drop dead tunnels (flagging their peers), drop the worst tunnels so that at
/// least --refresh-rate of them go (as far as fresh peers can replace them), and open tunnels to random
/// unused peers up to the target.
/// </summary>
public sealed class TunnelPolicy : ITunnelPolicy
{
    /// <summary>Share of tunnels, the busiest by traffic, that a refresh never drops.</summary>
    public const double ProtectedShare = 0.25;

    /// <summary>
    /// Client tunnels a node opens for a connection count K: ceil(K/2). Every node also serves about as
    /// many incoming tunnels, so a node ends up with about K tunnels in all.
    /// </summary>
    public static int ClientTarget(int connectionCount) => (connectionCount + 1) / 2;

    public PolicyDecision Decide(PolicyInput input, Random random)
    {
        if (input.RefreshRate is < 0 or > 1 or double.NaN)
            throw new ArgumentOutOfRangeException(nameof(input), input.RefreshRate, "refresh rate must be within 0..1");
        var dead = input.Tunnels.Where(t => !t.Alive).Select(t => t.Peer).ToList();
        var close = new List<string>(dead);
        var alive = input.Tunnels.Where(t => t.Alive).ToList();
        var taken = input.Tunnels.Select(t => t.Peer).ToHashSet();
        var pool = input.Candidates.Where(p => !taken.Contains(p)).Distinct().ToArray();

        if (input.Refresh && alive.Count > 0)
        {
            // Never drop more live tunnels than fresh peers can replace: with a short peer DB the dropped tunnel
            // would only come back to the same peer at the next repair (a torn-down tunnel for nothing), or not at all.
            var killAtLeast = Math.Min((int)Math.Ceiling(input.RefreshRate * input.Tunnels.Count) - dead.Count, pool.Length);
            if (killAtLeast > 0)
            {
                var protectedCount = (int)Math.Ceiling(ProtectedShare * alive.Count);
                var busiest = alive.OrderByDescending(t => t.Traffic).ThenBy(t => t.Peer, StringComparer.Ordinal)
                    .Take(protectedCount).Select(t => t.Peer).ToHashSet();
                // Worst first: fewest routes carried, then least traffic; ties broken by prefix so the result is deterministic.
                close.AddRange(alive.Where(t => !busiest.Contains(t.Peer))
                    .OrderBy(t => t.RoutesCarried).ThenBy(t => t.Traffic).ThenBy(t => t.Peer, StringComparer.Ordinal)
                    .Take(killAtLeast).Select(t => t.Peer));
            }
        }

        var keep = input.Tunnels.Count - close.Count;
        var wanted = ClientTarget(input.ConnectionCount) - keep;
        var open = new List<string>();
        if (wanted > 0)
        {
            // Partial Fisher-Yates: a uniform random pick of `wanted` peers without sorting the whole pool.
            for (var i = 0; i < pool.Length && open.Count < wanted; i++)
            {
                var j = random.Next(i, pool.Length);
                (pool[i], pool[j]) = (pool[j], pool[i]);
                open.Add(pool[i]);
            }
        }
        return close.Count == 0 && open.Count == 0 ? PolicyDecision.None : new PolicyDecision(close, dead, open);
    }
}
