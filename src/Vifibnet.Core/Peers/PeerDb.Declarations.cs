namespace Vifibnet.Peers;

// Peer exchange's part of the peer DB: declarations learned second-hand, and the peers they bring.
public sealed partial class PeerDb
{
    /// <summary>
    /// Stores declarations (already verified by the caller) and adds or updates their peers: a peer
    /// row gets the declared address when the declaration is newer than what we had (a registry list
    /// seen after the declaration wins). A declaration older than the one kept is ignored. The peer
    /// row is dated with the declaration's date, so it ages from when its node declared it, as at the
    /// registry. Returns how many peers were new.
    /// </summary>
    public int AddDeclarations(IEnumerable<PeerDeclarationRecord> declarations)
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            var added = 0;
            foreach (var d in declarations)
            {
                var declared = d.Declared.ToUnixTimeSeconds();
                var stored = Run(tx, """
                    INSERT INTO declarations (prefix, address, declared, certificate, signature, via) VALUES ($p, $a, $d, $c, $s, $v)
                    ON CONFLICT (prefix) DO UPDATE SET address = $a, declared = $d, certificate = $c, signature = $s, via = $v
                        WHERE excluded.declared > declarations.declared
                    """, ("$p", d.Prefix), ("$a", d.Address), ("$d", declared), ("$c", d.Certificate), ("$s", d.Signature), ("$v", d.Via));
                if (stored == 0) continue;
                added += Run(tx, "INSERT OR IGNORE INTO peers (prefix, address, used, date) VALUES ($p, $a, 0, $d)", ("$p", d.Prefix), ("$a", d.Address), ("$d", declared));
                Run(tx, "UPDATE peers SET address = $a, date = $d WHERE prefix = $p AND date < $d", ("$p", d.Prefix), ("$a", d.Address), ("$d", declared));
            }
            Trim(tx, MaxPeers);
            tx.Commit();
            return added;
        }
    }

    /// <summary>Declarations kept, newest first (what a node repeats to its neighbours, after its own).</summary>
    public IReadOnlyList<PeerDeclarationRecord> Declarations()
    {
        lock (gate)
            return Query("SELECT prefix, address, declared, certificate, signature, via FROM declarations ORDER BY declared DESC",
                r => new PeerDeclarationRecord(r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(2)), r.GetString(3), r.GetString(4), r.GetString(5)));
    }

    /// <summary>When we hold a declaration of <paramref name="prefix"/>, its date (to skip checking an older or equal one again).</summary>
    public DateTimeOffset? DeclaredAt(string prefix)
    {
        lock (gate)
            return Query("SELECT declared FROM declarations WHERE prefix = $p", r => DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(0)), ("$p", prefix)) is [var d] ? d : null;
    }

    /// <summary>
    /// Second-hand entries expire like the registry's: declarations signed before <paramref name="cutoff"/>
    /// are dropped, and so are their peers unless a registry list refreshed them since, or we tunnel to them.
    /// Returns how many peers went.
    /// </summary>
    public int ExpireDeclarations(DateTimeOffset cutoff)
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            var c = cutoff.ToUnixTimeSeconds();
            var dropped = Run(tx, """
                DELETE FROM peers WHERE used = 0 AND prefix IN (SELECT prefix FROM declarations WHERE declared < $c)
                AND date <= (SELECT declared FROM declarations d WHERE d.prefix = peers.prefix)
                """, ("$c", c));
            Run(tx, "DELETE FROM declarations WHERE declared < $c", ("$c", c));
            Run(tx, "DELETE FROM flagged WHERE prefix NOT IN (SELECT prefix FROM peers)");
            tx.Commit();
            return dropped;
        }
    }
}
