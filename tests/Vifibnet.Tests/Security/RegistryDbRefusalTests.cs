using System.Security.Cryptography;
using Vifibnet.Certificates;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 4 of issue 11: `vifibnet registry` (the real program) on a --db that is missing, empty, not
/// a registry DB, damaged or another network's must refuse to start, say why, and leave the file as it was:
/// a typo in --db must not fork a network by re-issuing prefixes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryDbRefusalTests : IDisposable
{
    readonly TempDir dir = new();
    readonly string ours, theirs;

    public RegistryDbRefusalTests()
    {
        (ours, theirs) = (dir.File("ours"), dir.File("theirs"));
        Assert.Equal(0, CliRun.RunAsync("new-registry", "--dir", ours, "--network", "2001:db8:42::/48").Result.Code);
        Assert.Equal(0, CliRun.RunAsync("new-registry", "--dir", theirs, "--network", "2001:db8:43::/48").Result.Code);
    }

    (int Code, string Output) Registry(string db) => CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "registry", "0", "--db", db,
        "--ca", Path.Combine(ours, "ca.crt"), "--key", Path.Combine(ours, "ca.key")]);

    static string Hash(string path) => File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "missing";

    void AssertRefused(string db, string message)
    {
        var before = Hash(db);
        var (code, output) = Registry(db);
        Assert.True(code == 1, $"expected exit 1, got {code}: {output}");
        Assert.Contains(message, output);
        Assert.Equal(before, Hash(db));
    }

    [Fact]
    public void AMissingDbIsRefusedAndNotCreated() =>
        AssertRefused(dir.File("registyr.db"), "does not exist: check --db");

    [Fact]
    public void AnEmptyFileIsRefused()
    {
        File.WriteAllBytes(dir.File("empty.db"), []);
        AssertRefused(dir.File("empty.db"), "is not a registry DB");
    }

    [Fact]
    public void AFileThatIsNotSqliteIsRefused()
    {
        File.WriteAllText(dir.File("notes.db"), new string('x', 8192));
        AssertRefused(dir.File("notes.db"), "not a database");
    }

    [Fact]
    public void AnotherNetworksDbIsRefused() =>
        AssertRefused(Path.Combine(theirs, "registry.db"), "belongs to the network of CA sha256:");

    [Fact]
    public void ADamagedDbIsRefused()
    {
        var db = Path.Combine(ours, "registry.db");
        using (var registry = new RegistryDb(db))
            registry.Write((c, t) =>
            {
                using var fill = c.CreateCommand();
                fill.Transaction = t;
                fill.CommandText = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO peer SELECT printf('%016d', i), 'x', 0, i FROM n";
                fill.ExecuteNonQuery();
            });
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "-wal", "-shm" }) Assert.False(File.Exists(db + suffix), "the DB was checkpointed on close");
        // Scribble over the middle of the file: the schema (page 1) stays readable, table pages do not.
        using (var file = File.OpenWrite(db))
        {
            file.Position = file.Length / 2;
            file.Write(RandomNumberGenerator.GetBytes(4096));
        }
        AssertRefused(db, "integrity check");
    }

    [Fact]
    public async Task ADbWithoutARecordedCaIsBoundToTheFirstCaThatServesItThenRefusedToAnother()
    {
        var legacy = dir.File("legacy.db");
        using (new RegistryDb(legacy)) { } // as made before CAs were recorded
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var registry = new CliRun.Process(["registry", "0", "--db", legacy, "--ca", Path.Combine(ours, "ca.crt"), "--key", Path.Combine(ours, "ca.key")]))
        {
            registry.WaitFor(@"listening on port", TimeSpan.FromSeconds(30));
            await registry.Child.StopAsync(TimeSpan.FromSeconds(10));
        }
        using (var db = new RegistryDb(legacy))
        using (var ca = CertificateAuthority.Load(Path.Combine(ours, "ca.crt"), Path.Combine(ours, "ca.key")))
            Assert.Equal(CertificateFingerprint.Of(ca.Certificate), db.CaFingerprint);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Hash(legacy);
        var (code, output) = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "registry", "0", "--db", legacy,
            "--ca", Path.Combine(theirs, "ca.crt"), "--key", Path.Combine(theirs, "ca.key")]);
        Assert.Equal(1, code);
        Assert.Contains("belongs to the network of CA", output);
        Assert.Equal(before, Hash(legacy));
    }

    public void Dispose() => dir.Dispose();
}
