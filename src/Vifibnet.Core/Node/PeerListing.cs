using Vifibnet.Peers;

namespace Vifibnet.Node;

/// <summary>
/// One peer of a node's peer DB and where it came from (`vifibnet peers list`, Get-VifibPeer).
/// </summary>
/// <param name="Prefix">The peer's node prefix, binary.</param>
/// <param name="Address">Where its servers are: "ip,port,proto;...".</param>
/// <param name="State">unused, used, flagged or blacklisted.</param>
/// <param name="Seen">When the registry listed it last, or when it declared the address we hold.</param>
/// <param name="Source">"registry" (its peer list or bootstrap) or "exchange" (a signed declaration a neighbour passed on).</param>
/// <param name="Via">For "exchange": the neighbour it came from.</param>
/// <param name="Declared">For "exchange": when the peer signed that address.</param>
public sealed record PeerListing(string Prefix, string Address, string State, DateTimeOffset Seen, string Source, string? Via, DateTimeOffset? Declared)
{
    /// <summary>The DB's peers, each with its source: a peer whose address is the one of a declaration, not refreshed by the registry since, came from peer exchange.</summary>
    public static IReadOnlyList<PeerListing> From(PeerDb db)
    {
        var declarations = db.Declarations().ToDictionary(d => d.Prefix);
        return [.. db.All().Select(p => declarations.TryGetValue(p.Prefix, out var d) && d.Address == p.Address && p.Date <= d.Declared
            ? new PeerListing(p.Prefix, p.Address, p.State.ToString().ToLowerInvariant(), p.Date, "exchange", d.Via, d.Declared)
            : new PeerListing(p.Prefix, p.Address, p.State.ToString().ToLowerInvariant(), p.Date, "registry", null, null))];
    }
}
