using Microsoft.Data.Sqlite;

namespace Vifibnet.Registry;

/// <summary>
/// The registry DB's tables, created if missing when a network is made (unlike the seed, `vifibnet registry`
/// refuses a file without them: see <see cref="RegistryDb.OpenForCa"/>), and the columns added since.
/// </summary>
static class RegistrySchema
{
    const string Ddl = """
        CREATE TABLE IF NOT EXISTS config (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL);
        -- token_hash: SHA-256 of the token, so a copy of the DB hands out no usable tokens.
        CREATE TABLE IF NOT EXISTS token (
            token_hash TEXT PRIMARY KEY,
            email TEXT,
            created INTEGER NOT NULL,
            expires INTEGER NOT NULL,
            spent INTEGER);
        -- The seed's binary tree of prefixes: a row per node of the tree that is free (cert NULL,
        -- reserved 0), split (reserved 1) or issued (cert set). len = length(prefix), indexed.
        CREATE TABLE IF NOT EXISTS cert (
            prefix TEXT PRIMARY KEY,
            len INTEGER NOT NULL,
            reserved INTEGER NOT NULL DEFAULT 0,
            email TEXT,
            cert TEXT,
            issued INTEGER);
        CREATE INDEX IF NOT EXISTS cert_free ON cert (len DESC, prefix) WHERE cert IS NULL AND reserved = 0;
        -- rnd: a random key re-drawn on each declare, so n random peers are one index range seek.
        CREATE TABLE IF NOT EXISTS peer (
            prefix TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            declared INTEGER NOT NULL,
            rnd INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS peer_rnd ON peer (rnd);
        CREATE INDEX IF NOT EXISTS peer_declared ON peer (declared);
        -- Certificates taken out of service (docs/lifecycle.md): listed in the CRL until they expire.
        CREATE TABLE IF NOT EXISTS revoked (
            serial TEXT PRIMARY KEY,
            prefix TEXT NOT NULL,
            revoked INTEGER NOT NULL,
            expires INTEGER NOT NULL,
            cert TEXT NOT NULL);
        -- Certificates replaced by a renewal and not expired yet: revoking the prefix revokes them too.
        CREATE TABLE IF NOT EXISTS superseded (
            serial TEXT PRIMARY KEY,
            prefix TEXT NOT NULL,
            expires INTEGER NOT NULL,
            cert TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS superseded_prefix ON superseded (prefix);
        INSERT OR IGNORE INTO cert (prefix, len) VALUES ('', 0);
        INSERT OR IGNORE INTO config (name, value) VALUES ('schema', '1');
        """;

    /// <summary>The config row holding the fingerprint of the CA this DB belongs to.</summary>
    public const string CaFingerprintKey = "ca_fingerprint";

    /// <summary>Refuses an existing file that is not a registry DB (empty, or another program's tables).</summary>
    public static void CheckIsRegistryDb(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('config', 'token', 'cert', 'peer')";
        if (command.ExecuteScalar() is not long tables || tables != 4)
            throw new RegistryDbUnavailableException(
                $"'{path}' is not a registry DB (it lacks the registry's tables): check --db; vifibnet new-registry / New-VifibRegistry creates one",
                null, RegistryDbProblem.NotARegistryDb);
    }

    public static string? GetConfig(SqliteConnection connection, SqliteTransaction? transaction, string name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM config WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    public static void SetConfig(SqliteConnection connection, SqliteTransaction transaction, string name, string value)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO config (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    public static void Apply(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Ddl;
        command.ExecuteNonQuery();
        // token.prefix: the prefix a token was spent on, so a retry of the same request gets the same certificate.
        command.CommandText = "SELECT count(*) FROM pragma_table_info('token') WHERE name = 'prefix'";
        if (command.ExecuteScalar() is 0L)
        {
            command.CommandText = "ALTER TABLE token ADD COLUMN prefix TEXT";
            command.ExecuteNonQuery();
        }
        // cert.expires: the recorded certificate's notAfter (Unix seconds), filled in lazily, so expired prefixes are found by index.
        command.CommandText = "SELECT count(*) FROM pragma_table_info('cert') WHERE name = 'expires'";
        if (command.ExecuteScalar() is 0L)
        {
            command.CommandText = "ALTER TABLE cert ADD COLUMN expires INTEGER";
            command.ExecuteNonQuery();
        }
    }
}
