using System.Net;

namespace Vifibnet.Node;

/// <summary>
/// Which external IP to advertise when we have no --ip: the address most of our tunnels' servers saw us at.
/// One server per tunnel, so a single lying member cannot move our declaration while others tell the truth,
/// and a tie never flips an address already in use (no flapping between two NAT exits).
/// </summary>
public static class ExternalIpVote
{
    /// <summary>The address to advertise from now on, or null to keep <paramref name="current"/> (nothing seen, or it still wins).</summary>
    /// <param name="seen">One entry per tunnel that reported an address (repeats count), in tunnel order.</param>
    /// <param name="current">The address advertised now, if any.</param>
    public static IPAddress? Choose(IReadOnlyList<IPAddress> seen, IPAddress? current)
    {
        if (seen.Count == 0) return null;
        var votes = seen.GroupBy(a => a).Select(g => (Address: g.Key, Count: g.Count())).ToList();
        var best = votes.Max(v => v.Count);
        if (current is not null && votes.Any(v => v.Address.Equals(current) && v.Count == best)) return null;
        return votes.First(v => v.Count == best).Address;
    }
}
