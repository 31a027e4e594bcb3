using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>
/// The declared peers in memory, so that a peer list is n random picks from an array instead of n index
/// seeks in SQLite (20 prepared statements cost ~300 µs; the picks cost a few). The peer table stays the
/// record: the pool is loaded from it on first use, told of every declare this registry commits, and
/// re-read every <see cref="ResyncInterval"/> so that rows changed from outside (an administrator, expiry)
/// show within that time. Peers past the cut-off are skipped at pick time. Thread-safe.
/// </summary>
public sealed class PeerPool(RegistryDb db, TimeProvider clock)
{
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(10);

    readonly record struct Row(string Prefix, string Address, long Declared);

    readonly object gate = new();
    readonly List<Row> rows = [];
    readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    DateTimeOffset loaded = DateTimeOffset.MinValue;

    /// <summary>Up to n distinct random peers declared since the cut-off, other than <paramref name="exclude"/>.</summary>
    public IReadOnlyList<PeerEntry> PickRandom(int n, string? exclude, DateTimeOffset cutoff)
    {
        var since = cutoff.ToUnixTimeSeconds();
        lock (gate)
        {
            ResyncIfDue();
            var picked = new List<PeerEntry>(Math.Min(n, rows.Count));
            if (rows.Count <= 2 * n)
            {
                // Few peers: every eligible one, in random order.
                var all = rows.Where(r => r.Declared >= since && r.Prefix != exclude).ToArray();
                RandomNumberGenerator.Shuffle(all.AsSpan());
                picked.AddRange(all.Take(n).Select(r => new PeerEntry(r.Prefix, r.Address)));
                return picked;
            }
            // Many: random indices, each row at most once; stale or excluded rows are skipped. A few more
            // draws than n cover the duplicates; a pool that is mostly stale falls back to a full scan.
            var taken = new HashSet<int>();
            for (var draw = 0; draw < 4 * n && picked.Count < n; draw++)
            {
                var i = RandomNumberGenerator.GetInt32(rows.Count);
                var row = rows[i];
                if (row.Declared >= since && row.Prefix != exclude && taken.Add(i))
                    picked.Add(new PeerEntry(row.Prefix, row.Address));
            }
            if (picked.Count < n)
                for (var i = 0; i < rows.Count && picked.Count < n; i++)
                    if (rows[i].Declared >= since && rows[i].Prefix != exclude && taken.Add(i))
                        picked.Add(new PeerEntry(rows[i].Prefix, rows[i].Address));
            return picked;
        }
    }

    /// <summary>A declare this registry committed (call after the commit, so a resync can never lose it).</summary>
    public void Declared(string prefix, string address, DateTimeOffset when)
    {
        lock (gate)
        {
            if (loaded == DateTimeOffset.MinValue) return; // the first pick loads it from the table
            Put(new Row(prefix, address, when.ToUnixTimeSeconds()));
        }
    }

    /// <summary>A peer row this registry deleted (revocation): gone from lists at once, not at the next resync.</summary>
    public void Forget(string prefix)
    {
        lock (gate)
        {
            if (!index.Remove(prefix, out var i)) return;
            var last = rows[^1];
            rows[i] = last;
            rows.RemoveAt(rows.Count - 1);
            if (i < rows.Count) index[last.Prefix] = i;
        }
    }

    void Put(Row row)
    {
        if (index.TryGetValue(row.Prefix, out var i)) rows[i] = row;
        else
        {
            index[row.Prefix] = rows.Count;
            rows.Add(row);
        }
    }

    // Under the gate, so a declare committed while the table is read is applied after it, never lost.
    void ResyncIfDue()
    {
        var now = clock.GetUtcNow();
        if (now - loaded < ResyncInterval && loaded != DateTimeOffset.MinValue) return;
        scratch.Clear(); // a read that failed half-way may have left rows in it
        db.Read(connection => ReadAll(connection, scratch));
        // A row that did not change keeps the strings the pool holds, and the copies just read die young:
        // otherwise every resync turned the held ones (old by then) into old-generation garbage, ~1.4 MB per
        // 10,000 peers every 10 s, which the GC let pile up (issue 15: RSS growing under steady load).
        for (var k = 0; k < scratch.Count; k++)
            if (index.TryGetValue(scratch[k].Prefix, out var i))
            {
                var (held, read) = (rows[i], scratch[k]);
                scratch[k] = new Row(held.Prefix, string.Equals(held.Address, read.Address, StringComparison.Ordinal) ? held.Address : read.Address, read.Declared);
            }
        rows.Clear();
        index.Clear();
        foreach (var row in scratch) Put(row);
        scratch.Clear();
        loaded = now;
    }

    // Read into one list kept for every resync: a new one per resync was a large-object-heap array each time.
    readonly List<Row> scratch = [];

    static int ReadAll(SqliteConnection connection, List<Row> into)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT prefix, address, declared FROM peer";
        using var reader = select.ExecuteReader();
        while (reader.Read())
            into.Add(new Row(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return into.Count;
    }
}
