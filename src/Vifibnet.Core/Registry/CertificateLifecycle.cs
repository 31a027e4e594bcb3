using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Vifibnet.Addressing;
using Vifibnet.Certificates;

namespace Vifibnet.Registry;

/// <summary>What an administrator's revocation did: the node, the serials put on the CRL, and when its prefix may be handed out again.</summary>
/// <param name="Prefix">The node prefix, binary.</param>
/// <param name="CommonName">The node prefix as its certificate CN.</param>
/// <param name="Serials">Every unexpired certificate of the node now revoked (the current one and any it renewed from).</param>
/// <param name="PrefixReusableAfter">When the last of them expires: the prefix stays taken until then (plus the renewal grace).</param>
public sealed record RevocationResult(string Prefix, string CommonName, IReadOnlyList<string> Serials, DateTimeOffset PrefixReusableAfter);

/// <summary>Why a revocation was refused: nothing was changed.</summary>
public enum RevocationProblem { UnknownNode, AlreadyRevoked, BadTarget }

/// <summary>A revocation the registry DB refused (unknown prefix or serial, already revoked); the DB is unchanged.</summary>
public sealed class RevocationException(string message, RevocationProblem problem) : Exception(message)
{
    public RevocationProblem Problem { get; } = problem;
}

/// <summary>
/// The registry DB's side of a certificate's life after issue: revocation (the revoked table, the CRL's
/// number), renewal (the recorded certificate replaced, the old one kept as superseded until it expires)
/// and the prefixes of expired certificates freed once the grace period is over. Each runs inside the
/// caller's transaction.
/// </summary>
public static class CertificateLifecycle
{
    /// <summary>The config row holding the CRL number; every change to the revoked list increments it.</summary>
    public const string CrlNumberKey = "crl_number";

    /// <summary>Revokes the node named by <paramref name="target"/>: its prefix (binary or CN "1/16") or the serial (hex) of one of its certificates.</summary>
    public static RevocationResult Revoke(SqliteConnection c, SqliteTransaction t, string target, DateTimeOffset now)
    {
        target = target.Trim();
        var prefix = FindPrefix(c, t, target)
            ?? throw new RevocationException($"'{target}' is neither the prefix nor a certificate serial of any node of this registry: check it with the node's `vifibnet identity`", RevocationProblem.UnknownNode);
        var certificates = new List<string>();
        if (PrefixAllocator.RecordedCertificate(c, NodePrefix.ParseBinary(prefix), t) is { } current) certificates.Add(current);
        using (var superseded = Command(c, t, "SELECT cert FROM superseded WHERE prefix = $p AND expires > $now"))
        {
            superseded.Parameters.AddWithValue("$p", prefix);
            superseded.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
            using var reader = superseded.ExecuteReader();
            while (reader.Read()) certificates.Add(reader.GetString(0));
        }
        var serials = new List<string>();
        var lastExpiry = now;
        foreach (var pem in certificates)
        {
            using var cert = X509Certificate2.CreateFromPem(pem);
            var expires = new DateTimeOffset(cert.NotAfter.ToUniversalTime());
            if (expires < now || IsRevoked(c, cert.SerialNumber, t)) continue;
            using var insert = Command(c, t, "INSERT INTO revoked (serial, prefix, revoked, expires, cert) VALUES ($s, $p, $r, $e, $c)");
            insert.Parameters.AddWithValue("$s", cert.SerialNumber);
            insert.Parameters.AddWithValue("$p", prefix);
            insert.Parameters.AddWithValue("$r", now.ToUnixTimeSeconds());
            insert.Parameters.AddWithValue("$e", expires.ToUnixTimeSeconds());
            insert.Parameters.AddWithValue("$c", pem);
            insert.ExecuteNonQuery();
            serials.Add(cert.SerialNumber);
            if (expires > lastExpiry) lastExpiry = expires;
        }
        var cn = NodePrefix.ParseBinary(prefix).ToCommonName();
        if (serials.Count == 0)
            throw new RevocationException($"node {cn} has no certificate left to revoke: it is already revoked (or every certificate expired)", RevocationProblem.AlreadyRevoked);
        // No more handing it out as a peer; its own declares are refused from now on.
        using (var forget = Command(c, t, "DELETE FROM peer WHERE prefix = $p"))
        {
            forget.Parameters.AddWithValue("$p", prefix);
            forget.ExecuteNonQuery();
        }
        BumpCrlNumber(c, t);
        return new RevocationResult(prefix, cn, serials, lastExpiry);
    }

    /// <summary>The binary prefix <paramref name="target"/> names (a prefix with a certificate, or a certificate's serial), null if none.</summary>
    static string? FindPrefix(SqliteConnection c, SqliteTransaction t, string target)
    {
        if (target.Length == 0 || target.Length > 128)
            throw new RevocationException($"'{target}' is not a node prefix (binary, or CN like 1/16) nor a serial (hex)", RevocationProblem.BadTarget);
        if (target.Contains('/') || target.All(ch => ch is '0' or '1'))
        {
            NodePrefix node;
            try { node = target.Contains('/') ? NodePrefix.ParseCommonName(target) : NodePrefix.ParseBinary(target); }
            catch (AddressingException e) { throw new RevocationException($"'{target}' is not a node prefix: {e.Message}", RevocationProblem.BadTarget); }
            if (PrefixAllocator.RecordedCertificate(c, node, t) is not null) return node.ToBinary();
            if (target.Contains('/')) return null;
        }
        if (!target.All(Uri.IsHexDigit))
            throw new RevocationException($"'{target}' is not a node prefix (binary, or CN like 1/16) nor a serial (hex)", RevocationProblem.BadTarget);
        var serial = target.ToUpperInvariant().TrimStart('0');
        using var all = Command(c, t, "SELECT prefix, cert FROM cert WHERE cert IS NOT NULL UNION ALL SELECT prefix, cert FROM superseded");
        using var reader = all.ExecuteReader();
        while (reader.Read())
        {
            try
            {
                using var cert = X509Certificate2.CreateFromPem(reader.GetString(1));
                if (cert.SerialNumber.TrimStart('0') == serial) return reader.GetString(0);
            }
            catch (CryptographicException)
            {
                // A damaged row names no serial.
            }
        }
        return null;
    }

    public static bool IsRevoked(SqliteConnection c, string serial, SqliteTransaction? t = null)
    {
        using var select = Command(c, t, "SELECT 1 FROM revoked WHERE serial = $s");
        select.Parameters.AddWithValue("$s", serial);
        return select.ExecuteScalar() is not null;
    }

    /// <summary>The revoked certificates still listed (not expired): serial, revocation time, PEM.</summary>
    public static IReadOnlyList<(RevokedEntry Entry, string Pem)> Revoked(SqliteConnection c)
    {
        using var select = Command(c, null, "SELECT serial, revoked, cert FROM revoked ORDER BY revoked, serial");
        using var reader = select.ExecuteReader();
        var list = new List<(RevokedEntry, string)>();
        while (reader.Read())
            list.Add((new RevokedEntry(reader.GetString(0), DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(1))), reader.GetString(2)));
        return list;
    }

    public static long CrlNumber(SqliteConnection c, SqliteTransaction? t = null) =>
        long.TryParse(RegistrySchema.GetConfig(c, t, CrlNumberKey), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;

    static void BumpCrlNumber(SqliteConnection c, SqliteTransaction t) =>
        RegistrySchema.SetConfig(c, t, CrlNumberKey, (CrlNumber(c, t) + 1).ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// How many certificates a prefix's renewals replaced that are still valid, and when the first of them expires.
    /// Each stays recorded (and is revoked with the node) until it expires, so this bounds what a member's renewal
    /// loop can make the registry store.
    /// </summary>
    public static (int Count, DateTimeOffset? FirstExpiry) LiveSuperseded(SqliteConnection c, SqliteTransaction t, NodePrefix prefix, DateTimeOffset now)
    {
        using var select = Command(c, t, "SELECT COUNT(*), MIN(expires) FROM superseded WHERE prefix = $p AND expires > $now");
        select.Parameters.AddWithValue("$p", prefix.ToBinary());
        select.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
        using var reader = select.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(1)));
    }

    /// <summary>Replaces the certificate recorded for <paramref name="prefix"/> by its renewal; the old one is kept as superseded until it expires.</summary>
    public static void RecordRenewal(SqliteConnection c, SqliteTransaction t, NodePrefix prefix, X509Certificate2 old, string newPem, DateTimeOffset newExpiry, DateTimeOffset now)
    {
        using (var keep = Command(c, t, "INSERT OR IGNORE INTO superseded (serial, prefix, expires, cert) VALUES ($s, $p, $e, $c)"))
        {
            keep.Parameters.AddWithValue("$s", old.SerialNumber);
            keep.Parameters.AddWithValue("$p", prefix.ToBinary());
            keep.Parameters.AddWithValue("$e", new DateTimeOffset(old.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());
            keep.Parameters.AddWithValue("$c", old.ExportCertificatePem() + "\n");
            keep.ExecuteNonQuery();
        }
        using var update = Command(c, t, "UPDATE cert SET cert = $cert, issued = $issued, expires = $expires WHERE prefix = $prefix AND cert IS NOT NULL");
        update.Parameters.AddWithValue("$cert", newPem);
        update.Parameters.AddWithValue("$issued", now.ToUnixTimeSeconds());
        update.Parameters.AddWithValue("$expires", newExpiry.ToUnixTimeSeconds());
        update.Parameters.AddWithValue("$prefix", prefix.ToBinary());
        if (update.ExecuteNonQuery() != 1)
            throw new InvalidOperationException($"prefix {prefix} has no recorded certificate to renew");
    }

    /// <summary>
    /// Frees the prefix of every certificate expired for longer than <paramref name="grace"/> (it can no longer
    /// be renewed), and drops CRL entries and superseded certificates that have expired. Returns the prefixes freed.
    /// </summary>
    public static IReadOnlyList<string> FreeExpired(SqliteConnection c, SqliteTransaction t, DateTimeOffset now, TimeSpan grace)
    {
        // Rows recorded without an expiry (issued before the column, or by the issuing path): read it once from the certificate.
        var missing = new List<(string Prefix, long Expires)>();
        using (var select = Command(c, t, "SELECT prefix, cert FROM cert WHERE cert IS NOT NULL AND expires IS NULL"))
        using (var reader = select.ExecuteReader())
            while (reader.Read())
            {
                try
                {
                    using var cert = X509Certificate2.CreateFromPem(reader.GetString(1));
                    missing.Add((reader.GetString(0), new DateTimeOffset(cert.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()));
                }
                catch (CryptographicException)
                {
                    // A damaged row is left for the administrator; it is never freed by itself.
                }
            }
        foreach (var (prefix, expires) in missing)
        {
            using var set = Command(c, t, "UPDATE cert SET expires = $e WHERE prefix = $p");
            set.Parameters.AddWithValue("$e", expires);
            set.Parameters.AddWithValue("$p", prefix);
            set.ExecuteNonQuery();
        }
        var cutoff = (now - grace).ToUnixTimeSeconds();
        var freed = new List<string>();
        using (var select = Command(c, t, "SELECT prefix FROM cert WHERE cert IS NOT NULL AND expires < $cutoff"))
        {
            select.Parameters.AddWithValue("$cutoff", cutoff);
            using var reader = select.ExecuteReader();
            while (reader.Read()) freed.Add(reader.GetString(0));
        }
        foreach (var prefix in freed)
        {
            using var free = Command(c, t, "UPDATE cert SET cert = NULL, reserved = 0, email = NULL, issued = NULL, expires = NULL WHERE prefix = $p");
            free.Parameters.AddWithValue("$p", prefix);
            free.ExecuteNonQuery();
            using var forget = Command(c, t, "DELETE FROM peer WHERE prefix = $p");
            forget.Parameters.AddWithValue("$p", prefix);
            forget.ExecuteNonQuery();
        }
        using (var drop = Command(c, t, "DELETE FROM superseded WHERE expires < $now"))
        {
            drop.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
            drop.ExecuteNonQuery();
        }
        using (var drop = Command(c, t, "DELETE FROM revoked WHERE expires < $now"))
        {
            drop.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
            if (drop.ExecuteNonQuery() > 0) BumpCrlNumber(c, t);
        }
        return freed;
    }

    static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
