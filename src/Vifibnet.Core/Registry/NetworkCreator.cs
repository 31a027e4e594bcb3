using Vifibnet.Addressing;
using Vifibnet.Certificates;

namespace Vifibnet.Registry;

/// <summary>What <see cref="NetworkCreator.Create"/> wrote.</summary>
/// <param name="Network">The network prefix (carried in the CA's serial).</param>
/// <param name="Serial">The CA serial, hex with 0x.</param>
/// <param name="CaPath">ca.crt.</param>
/// <param name="KeyPath">ca.key (0600).</param>
/// <param name="DbPath">registry.db.</param>
/// <param name="NotAfter">When the CA expires.</param>
/// <param name="CaFingerprint">The CA's "sha256:..." fingerprint, for setup --ca-fingerprint (pins the first contact).</param>
public sealed record NewNetwork(NetworkPrefix Network, string Serial, string CaPath, string KeyPath, string DbPath, DateTimeOffset NotAfter, string CaFingerprint);

/// <summary>
/// Creates a network in a directory: ca.crt (its serial carries the network prefix), ca.key (0600)
/// and an initialized registry.db. Refuses to touch an existing network unless forced.
/// </summary>
public static class NetworkCreator
{
    public const string CaFile = "ca.crt", KeyFile = "ca.key", DbFile = "registry.db";

    /// <summary>The files Create would write in this directory.</summary>
    public static IReadOnlyList<string> Files(string directory) =>
        [Path.Combine(directory, CaFile), Path.Combine(directory, KeyFile), Path.Combine(directory, DbFile)];

    /// <summary>Refuses a network prefix too long to hold default-length node prefixes and a host part (ArgumentException).</summary>
    public static void CheckNetwork(NetworkPrefix network)
    {
        if (network.Length > 112)
            throw new ArgumentException($"network prefix {network} is too long: node prefixes of {PrefixAllocator.DefaultLength} bits would leave no host part (use /112 or shorter)");
    }

    public static NewNetwork Create(string directory, NetworkPrefix network, bool force)
    {
        CheckNetwork(network);
        var existing = Files(directory).Where(File.Exists).ToList();
        if (existing.Count > 0 && !force)
            throw new NetworkExistsException(
                $"a network already exists in '{directory}' ({string.Join(", ", existing.Select(Path.GetFileName))}): use --force / -Force to replace it (nodes registered with it will have to register again)");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegistryDbUnavailableException($"cannot create directory '{directory}': {e.Message}", e);
        }
        var (caPath, keyPath, dbPath) = (Path.Combine(directory, CaFile), Path.Combine(directory, KeyFile), Path.Combine(directory, DbFile));
        using var ca = CertificateAuthority.Create(network, $"Vifibnet CA {network}");
        // Write everything beside the target first, then move into place: a failure leaves the old network whole.
        var stamp = $".new-{Guid.NewGuid():N}";
        try
        {
            ca.Save(caPath + stamp, keyPath + stamp);
            using (var db = new RegistryDb(dbPath + stamp)) db.BindToCa(CertificateFingerprint.Of(ca.Certificate));
            foreach (var suffix in new[] { "-wal", "-shm" }) File.Delete(dbPath + suffix);
            File.Move(keyPath + stamp, keyPath, overwrite: true);
            File.Move(caPath + stamp, caPath, overwrite: true);
            File.Move(dbPath + stamp, dbPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegistryDbUnavailableException($"cannot write the network's files in '{directory}': {e.Message}", e);
        }
        finally
        {
            foreach (var path in new[] { caPath, keyPath, dbPath })
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                    File.Delete(path + stamp + suffix);
        }
        return new NewNetwork(network, "0x" + ca.Certificate.SerialNumber.TrimStart('0').ToLowerInvariant(), caPath, keyPath, dbPath,
            new DateTimeOffset(ca.Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), CertificateFingerprint.Of(ca.Certificate));
    }
}
