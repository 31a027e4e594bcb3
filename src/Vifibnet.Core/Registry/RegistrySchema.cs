using Microsoft.Data.Sqlite;

namespace Vifibnet.Registry;

/// <summary>The registry DB's tables, created if missing (a new file is initialized in place, as the seed does).</summary>
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
        INSERT OR IGNORE INTO cert (prefix, len) VALUES ('', 0);
        INSERT OR IGNORE INTO config (name, value) VALUES ('schema', '1');
        """;

    public static void Apply(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Ddl;
        command.ExecuteNonQuery();
    }
}
