using System.Net;

namespace Vifibnet.Routing;

/// <summary>
/// Tells, tick after tick, which client taps got a new babel neighbour address: the peer's node restarted (openvpn
/// reconnected on our same tap, but the peer's tap is new, so is its link-local address). A reload on a renewal keeps
/// both taps and addresses; a new tunnel is not a restart, even on a reused device name, where babeld may still list the
/// old peer's neighbour for a few seconds (seen in bench/mesh: a replacement tunnel taken for a restart 4 s after it was up).
/// </summary>
public sealed class RestartedPeers(Func<string, bool> watched)
{
    /// <summary>How long a new tunnel's tap is not watched: its old neighbour's entry outlives the old tunnel.</summary>
    public static readonly TimeSpan FreshTapWindow = TimeSpan.FromSeconds(10);

    readonly Dictionary<string, HashSet<IPAddress>> known = [];
    readonly Dictionary<string, DateTimeOffset> fresh = [];

    /// <summary>The watched taps with a newcomer since the last call, given the taps first connected since then and babeld's neighbours now.</summary>
    public IReadOnlyList<string> Update(IReadOnlyList<string> newTaps, IReadOnlyList<BabelNeighbour> neighbours, DateTimeOffset now)
    {
        foreach (var tap in newTaps) fresh[tap] = now + FreshTapWindow;
        foreach (var (tap, until) in fresh.ToList())
            if (until <= now) fresh.Remove(tap);
            else known.Remove(tap);
        var newcomers = BabelNeighbour.Newcomers(known, neighbours, watched);
        known.Clear();
        foreach (var g in neighbours.Where(n => !fresh.ContainsKey(n.Device)).GroupBy(n => n.Device)) known[g.Key] = g.Select(n => n.Address).ToHashSet();
        return newcomers;
    }
}
