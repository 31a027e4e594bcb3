using Microsoft.Data.Sqlite;
using Vifibnet.Logging;

namespace Vifibnet.Peers;

/// <summary>
/// A node's peer DB, &lt;state&gt;/peers.db: the peers the registry told us about, which of them we
/// tunnel to (used), which died recently (flagged, until a date), which we never use (blacklist),
/// and a small config table. A peer goes unused → used → unused (tunnel closed) or flagged (tunnel
/// died); a flag expires back to unused. Thread-safe: the daemon loop and its control socket share one.
/// </summary>
public sealed partial class PeerDb : IDisposable
{
    /// <summary>How long a dead peer stays flagged when no duration is given.</summary>
    public static readonly TimeSpan DefaultFlagDuration = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many peers the DB keeps. Each --peers-db-refresh brings up to 100 peers, new ones mostly
    /// (about 100 an hour on a large network), while the policy needs a few dozen candidates at most:
    /// 1000 is ten hours of peer lists. Peers listed again get a fresh date, so what goes is the peers
    /// the registry stopped handing out (nodes gone), never one we tunnel to.
    /// </summary>
    public const int MaxPeers = 1000;

    const string Schema = """
        CREATE TABLE IF NOT EXISTS peers (
            prefix TEXT PRIMARY KEY NOT NULL,
            address TEXT NOT NULL,
            used INTEGER NOT NULL DEFAULT 0,
            date INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS flagged (
            prefix TEXT PRIMARY KEY NOT NULL,
            date INTEGER NOT NULL,
            until INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS blacklist (
            prefix TEXT PRIMARY KEY NOT NULL,
            date INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS config (
            name TEXT PRIMARY KEY NOT NULL,
            value TEXT);
        CREATE TABLE IF NOT EXISTS declarations (
            prefix TEXT PRIMARY KEY NOT NULL,
            address TEXT NOT NULL,
            declared INTEGER NOT NULL,
            certificate TEXT NOT NULL,
            signature TEXT NOT NULL,
            via TEXT NOT NULL);
        """;

    static readonly Lazy<bool> SqliteReady = new(() => { SQLitePCL.Batteries_V2.Init(); return true; });

    readonly SqliteConnection connection;
    readonly TimeProvider clock;
    readonly object gate = new();

    /// <summary>The DB file.</summary>
    public string Path { get; }

    PeerDb(string path, SqliteConnection connection, TimeProvider clock)
    {
        Path = path;
        this.connection = connection;
        this.clock = clock;
    }

    /// <summary>
    /// Opens the peer DB, creating it when missing. A file that is not a valid SQLite DB is moved
    /// aside to PATH.bak, a fresh DB is created in its place and a warning is logged (as the seed did).
    /// </summary>
    public static PeerDb Open(string path, Logger? log = null, TimeProvider? clock = null)
    {
        _ = SqliteReady.Value;
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PeerDbException($"cannot create the directory of peer DB '{full}': {e.Message}", e);
        }
        try
        {
            return OpenExisting(full, clock ?? TimeProvider.System);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 /* CORRUPT */ or 26 /* NOTADB */)
        {
            var backup = full + ".bak";
            (log ?? Logger.Null).Warning($"peer DB '{full}' is corrupt ({e.Message}); moved aside to '{backup}' and recreated");
            SqliteConnection.ClearAllPools();
            File.Move(full, backup, overwrite: true);
            foreach (var suffix in new[] { "-wal", "-shm" })
                if (File.Exists(full + suffix)) File.Delete(full + suffix);
            return OpenExisting(full, clock ?? TimeProvider.System);
        }
        catch (SqliteException e)
        {
            throw new PeerDbException($"cannot open peer DB '{full}': {e.Message}", e);
        }
    }

    static readonly (string Table, string[] Columns)[] Expected =
    [
        ("peers", ["prefix", "address", "used", "date"]),
        ("flagged", ["prefix", "date", "until"]),
        ("blacklist", ["prefix", "date"]),
        ("config", ["name", "value"]),
        ("declarations", ["prefix", "address", "declared", "certificate", "signature", "via"]),
    ];

    /// <summary>
    /// CREATE TABLE IF NOT EXISTS keeps a table of the same name with other columns, and every query
    /// then fails: such a DB (another program's, another version's) is treated as corrupt, moved aside.
    /// </summary>
    static void CheckSchema(SqliteConnection connection)
    {
        foreach (var (table, columns) in Expected)
        {
            using var info = connection.CreateCommand();
            info.CommandText = "SELECT name FROM pragma_table_info($table)";
            info.Parameters.AddWithValue("$table", table);
            var present = new HashSet<string>();
            using (var reader = info.ExecuteReader())
                while (reader.Read()) present.Add(reader.GetString(0));
            if (columns.FirstOrDefault(c => !present.Contains(c)) is { } missing)
                throw new SqliteException($"another schema: table {table} has no column {missing}", 11);
        }
    }

    /// <summary>Same as <see cref="Open"/>: a missing DB is created.</summary>
    public static PeerDb Create(string path, Logger? log = null, TimeProvider? clock = null) => Open(path, log, clock);

    static PeerDb OpenExisting(string path, TimeProvider clock)
    {
        // No pooling: the file must really be closed on Dispose (moved aside, opened by another process).
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            // SQLite gives the -wal and -shm files the DB's own mode.
            OwnerOnly.Restrict(path, path + "-wal", path + "-shm");
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;");
            Execute(connection, Schema);
            CheckSchema(connection);
            // A file that SQLite can open but whose pages are damaged fails here.
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check";
            if (check.ExecuteScalar() is not "ok")
                throw new SqliteException("quick_check failed", 11);
            return new PeerDb(path, connection, clock);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Adds a peer the registry told us about, or updates its address and date (keeping whether it is used).</summary>
    public void AddOrUpdate(Peer entry) => AddOrUpdate([entry]);

    /// <summary>Adds or updates several peers in one transaction; returns how many were new.</summary>
    public int AddOrUpdate(IEnumerable<Peer> entries)
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            var added = 0;
            foreach (var e in entries)
            {
                added += Run(tx, "INSERT OR IGNORE INTO peers (prefix, address, used, date) VALUES ($p, $a, 0, $d)",
                    ("$p", e.Prefix), ("$a", e.Address), ("$d", Now()));
                Run(tx, "UPDATE peers SET address = $a, date = $d WHERE prefix = $p", ("$p", e.Prefix), ("$a", e.Address), ("$d", Now()));
            }
            Trim(tx, MaxPeers);
            tx.Commit();
            return added;
        }
    }

    /// <summary>
    /// Keeps the <paramref name="max"/> peers seen most recently (used peers rank first and are never
    /// dropped) and clears expired flags and the flags of dropped peers; returns how many peers went.
    /// The blacklist is kept whole: a peer listed again stays blacklisted.
    /// </summary>
    public int Trim(int max = MaxPeers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            var dropped = Trim(tx, max);
            tx.Commit();
            return dropped;
        }
    }

    int Trim(SqliteTransaction tx, int max)
    {
        var dropped = Run(tx, """
            DELETE FROM peers WHERE used = 0 AND prefix NOT IN
                (SELECT prefix FROM peers ORDER BY used DESC, date DESC, rowid DESC LIMIT $max)
            """, ("$max", max));
        Run(tx, "DELETE FROM flagged WHERE until <= $now OR prefix NOT IN (SELECT prefix FROM peers)", ("$now", Now()));
        Run(tx, "DELETE FROM declarations WHERE prefix NOT IN (SELECT prefix FROM peers)");
        return dropped;
    }

    /// <summary>Adds the registry's bootstrap peer (an ordinary unused peer).</summary>
    public void AddBootstrap(Peer entry) => AddOrUpdate(entry);

    /// <summary>Peers free for a new tunnel: not used, not blacklisted, not flagged (expired flags are cleared).</summary>
    public IReadOnlyList<Peer> Unused(int limit = int.MaxValue)
    {
        lock (gate)
        {
            Run(null, "DELETE FROM flagged WHERE until <= $now", ("$now", Now()));
            return Query("""
                SELECT prefix, address FROM peers WHERE used = 0
                AND prefix NOT IN (SELECT prefix FROM flagged) AND prefix NOT IN (SELECT prefix FROM blacklist)
                ORDER BY prefix LIMIT $n
                """, r => new Peer(r.GetString(0), r.GetString(1)), ("$n", limit));
        }
    }

    /// <summary>Every peer with its state.</summary>
    public IReadOnlyList<PeerRecord> All()
    {
        lock (gate)
        {
            return Query("""
                SELECT p.prefix, p.address, p.used, p.date,
                       (SELECT until FROM flagged f WHERE f.prefix = p.prefix AND f.until > $now),
                       EXISTS (SELECT 1 FROM blacklist b WHERE b.prefix = p.prefix)
                FROM peers p ORDER BY p.prefix
                """, r => new PeerRecord(r.GetString(0), r.GetString(1),
                    r.GetInt64(5) != 0 ? PeerState.Blacklisted : !r.IsDBNull(4) ? PeerState.Flagged : r.GetInt64(2) != 0 ? PeerState.Used : PeerState.Unused,
                    DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3))), ("$now", Now()));
        }
    }

    /// <summary>The peer's record, or null when unknown.</summary>
    public PeerRecord? Find(string prefix) => All().FirstOrDefault(p => p.Prefix == prefix);

    /// <summary>We opened a client tunnel to this peer.</summary>
    public void MarkUsed(string prefix) => SetUsed(prefix, true);

    /// <summary>Our tunnel to this peer closed normally.</summary>
    public void MarkUnused(string prefix) => SetUsed(prefix, false);

    /// <summary>Marks every peer unused: at daemon start no tunnel exists yet, whatever the last run left.</summary>
    public void ResetUsed()
    {
        lock (gate) Run(null, "UPDATE peers SET used = 0");
    }

    void SetUsed(string prefix, bool used)
    {
        lock (gate) Run(null, "UPDATE peers SET used = $u WHERE prefix = $p", ("$u", used ? 1 : 0), ("$p", prefix));
    }

    /// <summary>The peer's tunnel died: it is no longer used and not tried again for <paramref name="duration"/>.</summary>
    public void Flag(string prefix, TimeSpan? duration = null)
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            Run(tx, "UPDATE peers SET used = 0 WHERE prefix = $p", ("$p", prefix));
            Run(tx, "INSERT OR REPLACE INTO flagged (prefix, date, until) VALUES ($p, $d, $u)",
                ("$p", prefix), ("$d", Now()), ("$u", Now() + (long)(duration ?? DefaultFlagDuration).TotalSeconds));
            tx.Commit();
        }
    }

    /// <summary>Never tunnel to this peer (until <see cref="Unblacklist"/>).</summary>
    public void Blacklist(string prefix)
    {
        lock (gate)
        {
            using var tx = connection.BeginTransaction();
            Run(tx, "UPDATE peers SET used = 0 WHERE prefix = $p", ("$p", prefix));
            Run(tx, "INSERT OR REPLACE INTO blacklist (prefix, date) VALUES ($p, $d)", ("$p", prefix), ("$d", Now()));
            tx.Commit();
        }
    }

    public void Unblacklist(string prefix)
    {
        lock (gate) Run(null, "DELETE FROM blacklist WHERE prefix = $p", ("$p", prefix));
    }

    /// <summary>Removes a peer (for example our own prefix, should the registry hand it back).</summary>
    public void Remove(string prefix)
    {
        lock (gate) Run(null, "DELETE FROM peers WHERE prefix = $p", ("$p", prefix));
    }

    /// <summary>How many peers the DB knows.</summary>
    public int Count
    {
        get
        {
            lock (gate) return Query("SELECT COUNT(*) FROM peers", r => r.GetInt32(0))[0];
        }
    }

    public string? GetConfig(string name)
    {
        lock (gate) return Query("SELECT value FROM config WHERE name = $n", r => r.IsDBNull(0) ? null : r.GetString(0), ("$n", name)).FirstOrDefault();
    }

    public void SetConfig(string name, string? value)
    {
        lock (gate) Run(null, "INSERT OR REPLACE INTO config (name, value) VALUES ($n, $v)", ("$n", name), ("$v", (object?)value ?? DBNull.Value));
    }

    long Now() => clock.GetUtcNow().ToUnixTimeSeconds();

    int Run(SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.Transaction = tx;
        return command.ExecuteNonQuery();
    }

    List<T> Query<T>(string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var list = new List<T>();
        while (reader.Read()) list.Add(read(reader));
        return list;
    }

    SqliteCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (gate) connection.Dispose();
    }
}
