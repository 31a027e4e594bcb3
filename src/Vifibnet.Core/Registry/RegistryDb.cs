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
    readonly SqliteConnection keepAlive;

    public string Path { get; }
    public bool IsTemporary { get; }

    public RegistryDb(string path)
    {
        InitSqlite();
        IsTemporary = path is ":memory" or ":memory:";
        Path = IsTemporary
            ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vifibnet-registry-{Guid.NewGuid():N}.db")
            : System.IO.Path.GetFullPath(path);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        try
        {
            keepAlive = Open();
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
            throw new RegistryDbUnavailableException($"cannot open registry DB '{Path}': {e.Message}", e);
        }
    }

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

    /// <summary>Runs a read on its own connection; may run alongside the writer (WAL).</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = Open();
        return read(connection);
    }

    /// <summary>Runs a change in one transaction, alone: committed if it returns, rolled back if it throws.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> change)
    {
        writeLock.Wait();
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction();
            var result = change(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            writeLock.Release();
        }
    }

    public void Write(Action<SqliteConnection, SqliteTransaction> change) =>
        Write<bool>((c, t) => { change(c, t); return true; });

    public void Dispose()
    {
        keepAlive.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
        writeLock.Dispose();
        if (IsTemporary)
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                File.Delete(Path + suffix);
    }
}
