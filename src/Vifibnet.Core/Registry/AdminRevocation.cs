namespace Vifibnet.Registry;

/// <summary>`vifibnet revoke` / Revoke-VifibNode: revokes a node in the registry DB; a running registry serves the new CRL at its next request.</summary>
public static class AdminRevocation
{
    public static RevocationResult Revoke(string dbPath, string target, TimeProvider? clock = null)
    {
        using var db = RegistryDb.OpenExisting(dbPath);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        return db.Write((c, t) => CertificateLifecycle.Revoke(c, t, target, now));
    }
}
