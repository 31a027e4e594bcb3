using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Vifibnet.Addressing;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>
/// Registration tokens: 160 random bits (base32, 32 characters), single use, expiring (default one day).
/// Only a hash is stored, and a spent token stays recorded so reuse is told apart from a typo.
/// </summary>
public static class TokenStore
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(1);
    const int TokenBytes = 20;
    const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>A fresh random token (not yet stored).</summary>
    public static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(bytes);
        var sb = new StringBuilder(TokenBytes * 8 / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(Base32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return sb.ToString();
    }

    /// <summary>Stores a token so it can be spent until <paramref name="expires"/>.</summary>
    public static void Add(SqliteConnection connection, SqliteTransaction transaction, string token, string? email,
        DateTimeOffset now, DateTimeOffset expires)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO token (token_hash, email, created, expires) VALUES ($hash, $email, $created, $expires)";
        insert.Parameters.AddWithValue("$hash", Hash(token));
        insert.Parameters.AddWithValue("$email", (object?)email ?? DBNull.Value);
        insert.Parameters.AddWithValue("$created", now.ToUnixTimeSeconds());
        insert.Parameters.AddWithValue("$expires", expires.ToUnixTimeSeconds());
        insert.ExecuteNonQuery();
    }

    /// <summary>Records the prefix a spent token was issued (same transaction as <see cref="Spend"/>).</summary>
    public static void RecordIssued(SqliteConnection connection, SqliteTransaction transaction, string token, NodePrefix prefix)
    {
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE token SET prefix = $prefix WHERE token_hash = $hash";
        update.Parameters.AddWithValue("$prefix", prefix.ToBinary());
        update.Parameters.AddWithValue("$hash", Hash(token));
        update.ExecuteNonQuery();
    }

    /// <summary>The prefix a spent token was issued, or null (unknown, unspent, or spent before prefixes were recorded).</summary>
    public static NodePrefix? IssuedFor(SqliteConnection connection, SqliteTransaction transaction, string token)
    {
        using var find = connection.CreateCommand();
        find.Transaction = transaction;
        find.CommandText = "SELECT prefix FROM token WHERE token_hash = $hash AND spent IS NOT NULL";
        find.Parameters.AddWithValue("$hash", Hash(token));
        return find.ExecuteScalar() is string prefix ? NodePrefix.ParseBinary(prefix) : null;
    }

    /// <summary>A stored token: whom it is for, when it expires, whether (and on which prefix) it was spent.</summary>
    public sealed record TokenState(string? Email, long Expires, bool Spent, NodePrefix? Prefix);

    /// <summary>The token's row, or null when the registry never issued it.</summary>
    public static TokenState? Find(SqliteConnection connection, SqliteTransaction transaction, string token)
    {
        using var find = connection.CreateCommand();
        find.Transaction = transaction;
        find.CommandText = "SELECT email, expires, spent, prefix FROM token WHERE token_hash = $hash";
        find.Parameters.AddWithValue("$hash", Hash(token));
        using var reader = find.ExecuteReader();
        if (!reader.Read()) return null;
        return new TokenState(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), !reader.IsDBNull(2),
            reader.IsDBNull(3) ? null : NodePrefix.ParseBinary(reader.GetString(3)));
    }

    /// <summary>
    /// The checks of <see cref="Spend"/> on a row read by <see cref="Find"/>, then the token marked spent on
    /// <paramref name="prefix"/> in one statement (inside the issuing transaction: rolled back if issuing fails).
    /// </summary>
    public static void SpendOn(SqliteConnection connection, SqliteTransaction transaction, string token, TokenState? state, NodePrefix prefix, DateTimeOffset now)
    {
        CheckSpendable(state, now);
        using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = "UPDATE token SET spent = $now, prefix = $prefix WHERE token_hash = $hash AND spent IS NULL";
        mark.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
        mark.Parameters.AddWithValue("$prefix", prefix.ToBinary());
        mark.Parameters.AddWithValue("$hash", Hash(token));
        if (mark.ExecuteNonQuery() != 1) throw SpentAlready();
    }

    /// <summary>Throws the named refusal when a token found by <see cref="Find"/> cannot be spent (unknown, spent, expired).</summary>
    public static void CheckSpendable(TokenState? state, DateTimeOffset now)
    {
        if (state is null)
            throw new RequestRefusedException(RegistryErrorCode.TokenUnknown, "the token is not one this registry issued (check for typos, or ask for a new one)");
        if (state.Spent) throw SpentAlready();
        if (now.ToUnixTimeSeconds() >= state.Expires)
            throw new RequestRefusedException(RegistryErrorCode.TokenExpired,
                $"the token expired at {DateTimeOffset.FromUnixTimeSeconds(state.Expires):u}: ask for a new one");
    }

    static RequestRefusedException SpentAlready() =>
        new(RegistryErrorCode.TokenSpent, "the token was already used for a certificate: a token is good for one registration only");

    /// <summary>How long an expired token is kept, so that its holder hears "expired" rather than "unknown".</summary>
    public static readonly TimeSpan ExpiredKept = TimeSpan.FromDays(7);

    /// <summary>Deletes tokens expired more than <see cref="ExpiredKept"/> ago, spent or not: they serve no registration, nor a retry of one.</summary>
    public static int PurgeExpired(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
    {
        using var purge = connection.CreateCommand();
        purge.Transaction = transaction;
        purge.CommandText = "DELETE FROM token WHERE expires <= $before";
        purge.Parameters.AddWithValue("$before", (now - ExpiredKept).ToUnixTimeSeconds());
        return purge.ExecuteNonQuery();
    }

    /// <summary>
    /// Marks a token spent and returns the e-mail it was issued for; throws a named error when it is
    /// unknown, expired or already spent. Inside the issuing transaction: rolled back if issuing fails.
    /// </summary>
    public static string? Spend(SqliteConnection connection, SqliteTransaction transaction, string token, DateTimeOffset now)
    {
        var hash = Hash(token);
        string? email;
        long expires;
        bool spent;
        using (var find = connection.CreateCommand())
        {
            find.Transaction = transaction;
            find.CommandText = "SELECT email, expires, spent FROM token WHERE token_hash = $hash";
            find.Parameters.AddWithValue("$hash", hash);
            using var reader = find.ExecuteReader();
            if (!reader.Read())
                throw new RequestRefusedException(RegistryErrorCode.TokenUnknown, "the token is not one this registry issued (check for typos, or ask for a new one)");
            email = reader.IsDBNull(0) ? null : reader.GetString(0);
            expires = reader.GetInt64(1);
            spent = !reader.IsDBNull(2);
        }
        if (spent)
            throw new RequestRefusedException(RegistryErrorCode.TokenSpent, "the token was already used for a certificate: a token is good for one registration only");
        if (now.ToUnixTimeSeconds() >= expires)
            throw new RequestRefusedException(RegistryErrorCode.TokenExpired,
                $"the token expired at {DateTimeOffset.FromUnixTimeSeconds(expires):u}: ask for a new one");
        using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = "UPDATE token SET spent = $now WHERE token_hash = $hash AND spent IS NULL";
        mark.Parameters.AddWithValue("$now", now.ToUnixTimeSeconds());
        mark.Parameters.AddWithValue("$hash", hash);
        // Writes are serialized and this runs in the issuing transaction, so the row is still unspent;
        // checked anyway so that a second process writing the same DB can never spend a token twice.
        if (mark.ExecuteNonQuery() != 1)
            throw new RequestRefusedException(RegistryErrorCode.TokenSpent, "the token was already used for a certificate: a token is good for one registration only");
        return email;
    }

    /// <summary>
    /// The address a token is for, trimmed; refuses anything but a bare address (no display name, at most
    /// 254 characters). One rule for mailed and admin-made tokens alike.
    /// </summary>
    public static string ValidEmail(string? email)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed)
            throw new RequestRefusedException(RegistryErrorCode.InvalidEmail, $"'{email}' is not an e-mail address");
        return parsed.Address;
    }

    /// <summary>True when the text could be a token at all (cheap check before touching the DB).</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: > 0 and <= 128 } && token.All(c => c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_');

    static string Hash(string token) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token.Trim().ToUpperInvariant())));
}
