using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;
using static Vifibnet.Tests.Lifecycle.RevocationTests;

namespace Vifibnet.Tests.Lifecycle;

/// <summary>
/// Renewal over real HTTP: same prefix, a new serial, no token, signed by the current certificate; the old
/// certificate is then refused by the registry. A revoked, foreign, replaced or long-expired certificate is
/// refused with its own code and changes nothing; one expired within the grace period is renewed.
/// </summary>
public sealed class RenewalTests
{
    static string Cn(X509Certificate2 cert) => cert.GetNameInfo(X509NameType.SimpleName, false);

    [Fact]
    public async Task ARenewalKeepsThePrefixAndRetiresTheOldCertificate()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var old = await registry.RegisterAsync(keys);
        using var client = registry.Client(cert: old, keys: keys);
        using var renewed = X509Certificate2.CreateFromPem(await client.RenewCertificateAsync(keys.Csr()));
        Assert.Equal(Cn(old), Cn(renewed));
        Assert.NotEqual(old.SerialNumber, renewed.SerialNumber);
        Assert.True(CertificateChecks.IsIssuedBy(renewed, registry.Ca.Certificate));
        Assert.True(renewed.NotAfter >= old.NotAfter);
        Assert.Equal(HttpStatusCode.OK, (await DeclareAsync(registry, renewed, keys.Key)).Status);
        Assert.Equal((HttpStatusCode.Forbidden, "certificate_unknown"), await DeclareAsync(registry, old, keys.Key));
        // Renewing again from the replaced certificate: refused, nothing changes.
        var before = registry.Snapshot();
        var again = await Assert.ThrowsAsync<RegistryCallException>(() => client.RenewCertificateAsync(keys.Csr()));
        Assert.Equal(RegistryErrorCode.CertificateUnknown, again.Code);
        Assert.Equal(before, registry.Snapshot());
        // Revoking the node revokes the renewed certificate and the one it replaced, still valid for openvpn.
        var revoked = AdminRevocation.Revoke(registry.Db.Path, Cn(renewed));
        Assert.Equal(new[] { old.SerialNumber, renewed.SerialNumber }.Order(), revoked.Serials.Order());
    }

    [Fact]
    public async Task AMemberRenewingInALoopIsRefusedOnceSixteenReplacedCertificatesAreStillValid()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        var current = await registry.RegisterAsync(keys);
        for (var i = 0; i < RegistryService.MaxLiveRenewals; i++)
        {
            using var client = registry.Client(cert: current, keys: keys);
            var next = X509Certificate2.CreateFromPem(await client.RenewCertificateAsync(keys.Csr()));
            current.Dispose();
            current = next;
        }
        var before = registry.Snapshot();
        using (var client = registry.Client(cert: current, keys: keys))
        {
            var refused = await Assert.ThrowsAsync<RegistryCallException>(() => client.RenewCertificateAsync(keys.Csr()));
            Assert.Equal(RegistryErrorCode.RateLimited, refused.Code);
            Assert.Contains($"renewed {RegistryService.MaxLiveRenewals} times", refused.Message);
            Assert.Contains("renew again after", refused.Message);
        }
        Assert.Equal(before, registry.Snapshot());
        // The node itself is not shut out: its current certificate still works.
        Assert.Equal(HttpStatusCode.OK, (await DeclareAsync(registry, current, keys.Key)).Status);
        current.Dispose();
    }

    [Fact]
    public async Task RevokedForeignAndUnsignedRenewalsAreRefusedAndChangeNothing()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var cert = await registry.RegisterAsync(keys);
        using var foreignCerts = new TestCertificates();
        using var foreign = foreignCerts.Issue(0, keys.Key);
        var before = registry.Snapshot();
        using (var client = registry.Client(cert: foreign, keys: keys))
            Assert.Equal(RegistryErrorCode.CertificateUntrusted, (await Assert.ThrowsAsync<RegistryCallException>(() => client.RenewCertificateAsync(keys.Csr()))).Code);
        using (var other = new NodeKeys())
        using (var client = registry.Client(cert: cert, keys: other)) // signed with a key that is not the certificate's
            Assert.Equal(RegistryErrorCode.SignatureInvalid, (await Assert.ThrowsAsync<RegistryCallException>(() => client.RenewCertificateAsync(keys.Csr()))).Code);
        using (var client = registry.Client())
            await Assert.ThrowsAsync<InvalidOperationException>(() => client.RenewCertificateAsync(keys.Csr()));
        Assert.Equal(before, registry.Snapshot());

        AdminRevocation.Revoke(registry.Db.Path, Cn(cert));
        var revoked = registry.Snapshot();
        using (var client = registry.Client(cert: cert, keys: keys))
            Assert.Equal(RegistryErrorCode.CertificateRevoked, (await Assert.ThrowsAsync<RegistryCallException>(() => client.RenewCertificateAsync(keys.Csr()))).Code);
        Assert.Equal(revoked, registry.Snapshot());
    }

    [Fact]
    public async Task AnExpiredCertificateIsRenewedWithinTheGracePeriodAndRefusedAfterIt()
    {
        var clock = new ManualClock();
        await using var registry = await TestRegistry.StartAsync(new RegistryOptions { CertificateValidity = TimeSpan.FromDays(1), RenewalGrace = TimeSpan.FromDays(2) }, clock: clock);
        using var keys = new NodeKeys();
        using var first = await registry.RegisterAsync(keys);
        using var second = await registry.RegisterAsync(keys);
        clock.Advance(TimeSpan.FromDays(2)); // both expired a day ago: within the grace
        using (var client = registry.Client(cert: first, keys: keys, clock: clock))
        {
            Assert.Equal(RegistryErrorCode.CertificateExpired, (await Assert.ThrowsAsync<RegistryCallException>(() => client.DeclareAsync("198.51.100.7,1194,udp"))).Code);
            using var renewed = X509Certificate2.CreateFromPem(await client.RenewCertificateAsync(keys.Csr()));
            Assert.Equal(Cn(first), Cn(renewed));
        }
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1)); // second expired more than two days ago
        var before = registry.Snapshot();
        using (var client = registry.Client(cert: second, keys: keys, clock: clock))
        {
            var refused = await Assert.ThrowsAsync<RegistryCallException>(() => client.RenewCertificateAsync(keys.Csr()));
            Assert.Equal(RegistryErrorCode.CertificateExpired, refused.Code);
            Assert.Contains("grace", refused.Message);
        }
        Assert.Equal(before, registry.Snapshot());
    }

    [Fact]
    public void RenewalIsDueAboutTwoThirdsIntoTheLifeAndRetriesBackOff()
    {
        using var certificates = new TestCertificates();
        using var key = RSA.Create(2048);
        using var cert = certificates.Issue(1, key);
        var life = cert.NotAfter - cert.NotBefore;
        var due = CertificateRenewal.DueAt(cert);
        Assert.InRange(due, new DateTimeOffset(cert.NotBefore.ToUniversalTime() + life * 0.6), new DateTimeOffset(cert.NotBefore.ToUniversalTime() + life * 0.7));
        Assert.Equal(due, CertificateRenewal.DueAt(cert));
        // Nodes registered together renew at different moments.
        var dues = Enumerable.Range(2, 8).Select(n => { using var other = certificates.Issue(n, key); return (CertificateRenewal.DueAt(other) - new DateTimeOffset(other.NotBefore.ToUniversalTime())).TotalSeconds; }).ToList();
        Assert.True(dues.Distinct().Count() > 1, string.Join(", ", dues));
        Assert.Equal(TimeSpan.FromSeconds(10), CertificateRenewal.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(40), CertificateRenewal.Backoff(3));
        Assert.Equal(TimeSpan.FromHours(1), CertificateRenewal.Backoff(30));
    }

    [Fact]
    public async Task TheCliRenewsAStoppedNodeAndRevokes()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var cert = await registry.RegisterAsync(keys);
        using var dir = new TempDir();
        var (ca, certPath, keyPath) = (dir.File("ca.pem"), dir.File("cert.crt"), dir.File("cert.key"));
        PemFile.WriteCertificate(ca, registry.Ca.Certificate);
        PemFile.WriteCertificate(certPath, cert);
        PemFile.WritePrivateKey(keyPath, keys.Key);
        using (var db = PeerDb.Open(dir.File("peers.db")))
        {
            db.SetConfig("registry", registry.Uri().ToString());
            db.SetConfig("ca", ca);
            db.SetConfig("cert", certPath);
            db.SetConfig("key", keyPath);
        }

        var renew = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "renew", "-s", dir.Path]);
        Assert.True(renew.Code == 0, renew.Output);
        using var renewed = PemFile.ReadCertificate(certPath, "certificate");
        Assert.NotEqual(cert.SerialNumber, renewed.SerialNumber);
        Assert.Equal(Cn(cert), Cn(renewed));
        Assert.Contains($"serial       {renewed.SerialNumber}", renew.Output);

        var unknown = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "revoke", "--db", registry.Db.Path, "9/16"]);
        Assert.Equal(1, unknown.Code);
        Assert.Contains("'9/16' is neither the prefix nor a certificate serial", unknown.Output);
        var revoke = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "revoke", "--db", registry.Db.Path, Cn(renewed)]);
        Assert.True(revoke.Code == 0, revoke.Output);
        Assert.Contains($"revoked {Cn(renewed)}", revoke.Output);

        // The revoked node cannot renew by itself: the CLI says why, the file stays.
        var refused = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "renew", "-s", dir.Path]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("certificate_revoked", refused.Output);
        using var kept = PemFile.ReadCertificate(certPath, "certificate");
        Assert.Equal(renewed.SerialNumber, kept.SerialNumber);
    }
}

/// <summary>A node that was off while its certificate expired: renewed within the grace period by `vifibnet renew`, as the daemon does at start.</summary>
public sealed class ExpiredRenewalTests
{
    [Fact]
    public async Task AStoppedNodeWhoseCertificateExpiredWithinTheGraceRenewsWithTheCli()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var dir = new TempDir();
        // Issued by the registry's CA for prefix 3/16, expired a minute ago, recorded as the registry records it.
        var request = new CertificateRequest("CN=3/16", keys.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var expired = request.Create(registry.Ca.Certificate.SubjectName, X509SignatureGenerator.CreateForRSA(registry.Ca.Key, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(-1), [3, 3, 3]);
        registry.Db.Write((c, t) =>
        {
            using var insert = c.CreateCommand();
            insert.Transaction = t;
            insert.CommandText = "INSERT INTO cert (prefix, len, reserved, cert, issued) VALUES ('0000000000000011', 16, 1, $c, 0)";
            insert.Parameters.AddWithValue("$c", expired.ExportCertificatePem() + "\n");
            insert.ExecuteNonQuery();
        });
        PemFile.WriteCertificate(dir.File("ca.pem"), registry.Ca.Certificate);
        PemFile.WriteCertificate(dir.File("cert.crt"), expired);
        PemFile.WritePrivateKey(dir.File("cert.key"), keys.Key);

        var renew = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "renew", "-s", dir.Path, "--registry", registry.Uri().ToString()]);
        Assert.True(renew.Code == 0, renew.Output);
        using var renewed = PemFile.ReadCertificate(dir.File("cert.crt"), "certificate");
        Assert.Equal("3/16", renewed.GetNameInfo(X509NameType.SimpleName, false));
        Assert.True(renewed.NotAfter > DateTime.Now.AddDays(300));

        // Without a registry to ask, the CLI says what is missing.
        File.Delete(dir.File("peers.db"));
        var missing = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "renew", "-s", dir.Path]);
        Assert.Equal(1, missing.Code);
        Assert.Contains("--registry", missing.Output);
    }
}
