using Microsoft.Data.Sqlite;
using Vifibnet.Addressing;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>
/// The seed's prefix allocator: a binary tree of node prefixes kept in the cert table. To hand out
/// a prefix of length n, take the longest free prefix not longer than n (lowest first), and if it is
/// shorter, split it down: each split frees the "1" sibling and descends into the "0" one. Runs
/// inside the caller's write transaction, so two requests can never take the same or overlapping prefixes.
/// </summary>
public static class PrefixAllocator
{
    /// <summary>The default node prefix length under the network prefix (a /48 network gives /64 subnets).</summary>
    public const int DefaultLength = 16;

    /// <summary>Takes a free prefix of exactly <paramref name="length"/> bits and marks it taken.</summary>
    public static NodePrefix Allocate(SqliteConnection connection, SqliteTransaction transaction, int length)
    {
        if (length is < 1 or > 128)
            throw new ArgumentOutOfRangeException(nameof(length), length, "node prefix length must be 1..128");
        string? free;
        using (var find = Command(connection, transaction,
                   "SELECT prefix FROM cert WHERE cert IS NULL AND reserved = 0 AND len <= $len ORDER BY len DESC, prefix LIMIT 1"))
        {
            find.Parameters.AddWithValue("$len", length);
            free = find.ExecuteScalar() as string;
        }
        if (free is null)
            throw new RequestRefusedException(RegistryErrorCode.PrefixExhausted,
                $"no free /{length} node prefix is left in this network: every prefix is issued");

        MarkTaken(connection, transaction, free);
        var prefix = free;
        using (var insert = Command(connection, transaction, "INSERT INTO cert (prefix, len, reserved) VALUES ($prefix, $len, $reserved)"))
        {
            var p = insert.Parameters.Add("$prefix", SqliteType.Text);
            var l = insert.Parameters.Add("$len", SqliteType.Integer);
            var r = insert.Parameters.Add("$reserved", SqliteType.Integer);
            while (prefix.Length < length)
            {
                // Free the "1" half, keep descending into the "0" half (marked as split).
                p.Value = prefix + "1"; l.Value = prefix.Length + 1; r.Value = 0;
                insert.ExecuteNonQuery();
                prefix += "0";
                p.Value = prefix; l.Value = prefix.Length; r.Value = 1;
                insert.ExecuteNonQuery();
            }
        }
        return NodePrefix.ParseBinary(prefix);
    }

    /// <summary>Records the certificate issued for a prefix taken by <see cref="Allocate"/>.</summary>
    public static void RecordCertificate(SqliteConnection connection, SqliteTransaction transaction,
        NodePrefix prefix, string? email, string certificatePem, DateTimeOffset now)
    {
        if (!TryRecordCertificate(connection, transaction, prefix, email, certificatePem, now))
            throw new InvalidOperationException($"prefix {prefix} was not taken by this transaction");
    }

    /// <summary>Records the certificate for a prefix reserved by <see cref="Allocate"/> that holds none yet; false when it already does (or is not reserved).</summary>
    public static bool TryRecordCertificate(SqliteConnection connection, SqliteTransaction transaction,
        NodePrefix prefix, string? email, string certificatePem, DateTimeOffset now)
    {
        using var update = Command(connection, transaction,
            "UPDATE cert SET cert = $cert, email = $email, issued = $issued WHERE prefix = $prefix AND reserved = 1 AND cert IS NULL");
        update.Parameters.AddWithValue("$cert", certificatePem);
        update.Parameters.AddWithValue("$email", (object?)email ?? DBNull.Value);
        update.Parameters.AddWithValue("$issued", now.ToUnixTimeSeconds());
        update.Parameters.AddWithValue("$prefix", prefix.ToBinary());
        return update.ExecuteNonQuery() == 1;
    }

    /// <summary>True when the prefix is taken (reserved) and holds no certificate: allocated, never recorded.</summary>
    public static bool IsReservedUnrecorded(SqliteConnection connection, SqliteTransaction transaction, NodePrefix prefix)
    {
        using var select = Command(connection, transaction, "SELECT count(*) FROM cert WHERE prefix = $prefix AND reserved = 1 AND cert IS NULL");
        select.Parameters.AddWithValue("$prefix", prefix.ToBinary());
        return select.ExecuteScalar() is 1L;
    }

    /// <summary>How long after its token expired a reservation that was never recorded is given back (no retry can use it then).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Frees the prefixes reserved for a token (registry stopped between reserving and recording) whose
    /// token expired over <see cref="AbandonedAfter"/> ago, so a crash mid-issue leaks no prefix; returns how many.
    /// </summary>
    public static int ReleaseAbandoned(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
    {
        using var release = Command(connection, transaction, """
            UPDATE cert SET reserved = 0
            WHERE reserved = 1 AND cert IS NULL
              AND prefix IN (SELECT prefix FROM token WHERE prefix IS NOT NULL AND expires <= $before)
            """);
        release.Parameters.AddWithValue("$before", (now - AbandonedAfter).ToUnixTimeSeconds());
        return release.ExecuteNonQuery();
    }

    /// <summary>The certificate (PEM) recorded for a prefix, or null when the registry holds none.</summary>
    public static string? RecordedCertificate(SqliteConnection connection, NodePrefix prefix, SqliteTransaction? transaction = null)
    {
        using var select = Command(connection, transaction, "SELECT cert FROM cert WHERE prefix = $prefix");
        select.Parameters.AddWithValue("$prefix", prefix.ToBinary());
        return select.ExecuteScalar() as string;
    }

    /// <summary>How many certificates the DB holds.</summary>
    public static long IssuedCount(SqliteConnection connection)
    {
        using var count = Command(connection, null, "SELECT count(*) FROM cert WHERE cert IS NOT NULL");
        return (long)count.ExecuteScalar()!;
    }

    static void MarkTaken(SqliteConnection connection, SqliteTransaction transaction, string prefix)
    {
        using var mark = Command(connection, transaction, "UPDATE cert SET reserved = 1 WHERE prefix = $prefix");
        mark.Parameters.AddWithValue("$prefix", prefix);
        mark.ExecuteNonQuery();
    }

    static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
