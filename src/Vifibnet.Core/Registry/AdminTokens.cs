namespace Vifibnet.Registry;

/// <summary>A token made by an administrator (vifibnet token / New-VifibToken): no mail, no running registry needed.</summary>
/// <param name="Token">The token to give to setup.</param>
/// <param name="Email">The address it is meant for, if any.</param>
/// <param name="Expires">When it can no longer be spent.</param>
/// <param name="DbPath">The registry DB it was written into.</param>
/// <param name="CaFingerprint">The network CA's fingerprint recorded in the DB (null for a DB no registry has served yet).</param>
public sealed record AdminToken(string Token, string? Email, DateTimeOffset Expires, string DbPath, string? CaFingerprint);

public static class AdminTokens
{
    /// <summary>Creates and stores a token in the registry DB at <paramref name="dbPath"/> (which must exist).</summary>
    public static AdminToken Create(string dbPath, string? email, TimeSpan? lifetime = null, TimeProvider? clock = null)
    {
        if (!File.Exists(dbPath))
            throw new RegistryDbUnavailableException($"registry DB '{dbPath}' does not exist: create the network first (vifibnet new-registry / New-VifibRegistry)");
        if (email is not null) email = TokenStore.ValidEmail(email);
        using var db = new RegistryDb(dbPath);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var expires = now + (lifetime ?? TokenStore.DefaultLifetime);
        var token = TokenStore.NewToken();
        db.Write((c, t) =>
        {
            TokenStore.PurgeExpired(c, t, now);
            TokenStore.Add(c, t, token, email, now, expires);
        });
        return new AdminToken(token, email, expires, db.Path, db.CaFingerprint);
    }
}
