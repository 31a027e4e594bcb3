using Microsoft.Data.Sqlite;

namespace Vifibnet.Registry;

/// <summary>
/// The registry's SQLite database: tokens, issued prefixes/certificates, declared peers.
/// WAL mode so readers never wait for the writer; writes are serialized in-process (one writer
/// at a time is what SQLite allows anyway, and waiting on a lock beats spinning on SQLITE_BUSY)
/// and every multi-step change runs in one transaction. The seed's ":memory"/":memory:" gives a
/// temporary file that is deleted on dispose, so it behaves exactly like a real one.
/// </summary>
public sealed class RegistryDb : IDisposable
{
    static readonly object InitGate = new();
    static bool sqliteReady;

    readonly string connectionString;
    readonly SemaphoreSlim writeLock = new(1, 1);
    readonly SqliteConnection? keepAlive;

    public string Path { get; }
    public bool IsTemporary { get; }

    /// <summary>Opens the DB at <paramref name="path"/>, creating and initializing it when missing (new-registry, tests).</summary>
    public RegistryDb(string path) : this(path, create: true)
    {
    }

    /// <summary>Opens the DB of an existing registry for an admin command; a missing file is an error naming it, not a new DB.</summary>
    public static RegistryDb OpenExisting(string path)
    {
        if (!File.Exists(path))
            throw new RegistryDbUnavailableException($"registry DB '{path}' does not exist: give the --db the registry serves");
        return new RegistryDb(path);
    }

    /// <summary>
    /// Opens the DB a registry serves for <paramref name="caCertificate"/>: it must exist (or be ":memory"),
    /// be a registry DB, pass SQLite's integrity check and belong to this CA. A DB that names no CA
    /// yet (made before CAs were recorded) is given this one. Throws <see cref="RegistryDbUnavailableException"/>
    /// with the problem; the file is left as it was.
    /// </summary>
    public static RegistryDb OpenForCa(string path, System.Security.Cryptography.X509Certificates.X509Certificate2 caCertificate)
    {
        var db = new RegistryDb(path, create: path is ":memory" or ":memory:");
        try
        {
            db.BindToCa(Certificates.CertificateFingerprint.Of(caCertificate));
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    RegistryDb(string path, bool create)
    {
        InitSqlite();
        IsTemporary = path is ":memory" or ":memory:";
        Path = IsTemporary
            ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vifibnet-registry-{Guid.NewGuid():N}.db")
            : System.IO.Path.GetFullPath(path);
        if (!create && !File.Exists(Path))
            throw new RegistryDbUnavailableException(
                $"registry DB '{Path}' does not exist: check --db (vifibnet new-registry / New-VifibRegistry creates a network's DB)", null, RegistryDbProblem.Missing);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        try
        {
            keepAlive = Open();
            if (!create)
            {
                // Before anything is written: a foreign or damaged file is refused as it is.
                RegistrySchema.CheckIsRegistryDb(keepAlive, Path);
                CheckIntegrity(keepAlive, Path);
            }
            using (var wal = keepAlive.CreateCommand())
            {
                // Persistent in the file: set once, not on every connection.
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                wal.ExecuteNonQuery();
            }
            RegistrySchema.Apply(keepAlive);
        }
        catch (SqliteException e)
        {
            keepAlive?.Dispose();
            throw new RegistryDbUnavailableException($"cannot open registry DB '{Path}': {e.Message}", e,
                e.SqliteErrorCode switch
                {
                    11 => RegistryDbProblem.Corrupt,
                    26 => RegistryDbProblem.NotARegistryDb,
                    _ => RegistryDbProblem.Unavailable,
                });
        }
        catch
        {
            keepAlive?.Dispose();
            throw;
        }
    }

    /// <summary>SQLite's full integrity check; throws <see cref="RegistryDbUnavailableException"/> (Corrupt) naming the first problem.</summary>
    static void CheckIntegrity(SqliteConnection connection, string path)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check(1)";
        if (check.ExecuteScalar() is not "ok" and var result)
            throw new RegistryDbUnavailableException(
                $"registry DB '{path}' fails SQLite's integrity check ({result}): restore it from a backup; the registry does not start on a damaged DB",
                null, RegistryDbProblem.Corrupt);
    }

    /// <summary>Records the CA's fingerprint in a DB that has none; refuses a DB recorded for another CA.</summary>
    public void BindToCa(string fingerprint) => Write((c, t) =>
    {
        var recorded = RegistrySchema.GetConfig(c, t, RegistrySchema.CaFingerprintKey);
        if (recorded is null) RegistrySchema.SetConfig(c, t, RegistrySchema.CaFingerprintKey, fingerprint);
        else if (recorded != fingerprint)
            throw new RegistryDbUnavailableException(
                $"registry DB '{Path}' belongs to the network of CA {recorded}, not to --ca ({fingerprint}): check --db and --ca; serving it would issue prefixes another network already gave out",
                null, RegistryDbProblem.ForeignCa);
    });

    /// <summary>The CA fingerprint recorded in the DB, or null.</summary>
    public string? CaFingerprint => Read(c => RegistrySchema.GetConfig(c, null, RegistrySchema.CaFingerprintKey));

    static void InitSqlite()
    {
        lock (InitGate)
        {
            if (sqliteReady) return;
            SQLitePCL.Batteries_V2.Init();
            sqliteReady = true;
        }
    }

    SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // WAL makes NORMAL safe against corruption; a power cut may lose only the last commits.
        pragma.CommandText = "PRAGMA synchronous=NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// Runs a read on a connection of its own (kept open for the next read: opening one and setting its
    /// pragma cost more than a signed request's lookup); may run alongside the writer (WAL).
    /// </summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        if (!idleReaders.TryTake(out var connection)) connection = Open();
        var reusable = false;
        try
        {
            var result = read(connection);
            reusable = true;
            return result;
        }
        finally
        {
            if (reusable && idleReaders.Count < MaxIdleReaders) idleReaders.Add(connection);
            else connection.Dispose();
        }
    }

    const int MaxIdleReaders = 16;
    readonly System.Collections.Concurrent.ConcurrentBag<SqliteConnection> idleReaders = [];

    /// <summary>Runs a change in one transaction, alone: committed if it returns, rolled back if it throws.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> change)
    {
        writeLock.Wait();
        try
        {
            // One connection for every write, kept open under the lock: opening one from the pool and setting
            // its pragma cost a certificate ~10 % of its SQLite time (issuance writes twice per certificate).
            writer ??= Open();
            try
            {
                using var transaction = writer.BeginTransaction();
                var result = change(writer, transaction);
                transaction.Commit();
                return result;
            }
            catch (SqliteException)
            {
                // Rolled back by the transaction's dispose; a connection SQLite failed on is not reused.
                writer.Dispose();
                writer = null;
                throw;
            }
        }
        finally
        {
            writeLock.Release();
        }
    }

    SqliteConnection? writer; // guarded by writeLock

    public void Write(Action<SqliteConnection, SqliteTransaction> change) =>
        Write<bool>((c, t) => { change(c, t); return true; });

    public void Dispose()
    {
        while (idleReaders.TryTake(out var reader)) reader.Dispose();
        writer?.Dispose();
        keepAlive?.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
        writeLock.Dispose();
        if (IsTemporary)
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                File.Delete(Path + suffix);
    }
}
