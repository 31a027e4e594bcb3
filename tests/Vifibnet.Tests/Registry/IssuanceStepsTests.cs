using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

/// <summary>
/// Issuance reserves a prefix (one transaction), signs outside the DB lock, then records (another): what a
/// registry stopped between the two leaves behind must neither lose the token holder's certificate, nor give
/// a token two certificates, nor leak the prefix for ever. A "crash" here is step (1) committed and the
/// service dropped: the next service on the same DB file is the restarted registry.
/// </summary>
public sealed class IssuanceStepsTests : IDisposable
{
    readonly TempDir dir = new();
    readonly CertificateAuthority ca = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
    readonly RegistryDb db;

    public IssuanceStepsTests() => db = new RegistryDb(dir.File("registry.db"));

    RegistryService Service(TimeProvider? clock = null) => new(new RegistryOptions(), db, ca, Logger.Null, clock);

    static CertificateRequest Parse(string pem) => CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);

    [Fact]
    public void ARetryAfterACrashBetweenReservingAndRecordingGetsTheReservedPrefixOnce()
    {
        var token = AdminTokens.Create(db.Path, "node@example.com").Token;
        using var keys = new NodeKeys();
        var crashed = Service();
        var reserved = db.Write((c, t) => crashed.Reserve(c, t, token, Parse(keys.Csr())));
        Assert.Equal("0/16", reserved.Prefix.ToCommonName());
        Assert.Equal(0, db.Read(PrefixAllocator.IssuedCount)); // reserved, nothing recorded

        var restarted = Service();
        var issued = restarted.IssueCertificate(new CertificateRequestMessage(token, keys.Csr()));
        using var cert = X509Certificate2.CreateFromPem(issued.Certificate);
        Assert.Equal("0/16", cert.GetNameInfo(X509NameType.SimpleName, false));
        Assert.True(CertificateChecks.MatchesKey(cert, keys.Key));
        Assert.Equal(issued.Certificate, restarted.IssueCertificate(new CertificateRequestMessage(token, keys.Csr())).Certificate);

        using var other = new NodeKeys();
        var spent = Assert.Throws<RequestRefusedException>(() => restarted.IssueCertificate(new CertificateRequestMessage(token, other.Csr())));
        Assert.Equal(RegistryErrorCode.TokenSpent, spent.Code);
        Assert.Equal(1, db.Read(PrefixAllocator.IssuedCount));
        // The next token gets the next prefix: the reserved one was neither leaked nor given twice.
        Assert.Equal("1/16", NodePrefix.ParseBinary(restarted.IssueCertificate(new CertificateRequestMessage(AdminTokens.Create(db.Path, null).Token, other.Csr())).Prefix).ToCommonName());
    }

    [Fact]
    public async Task RetriesOfOneReservedTokenRacingWithDifferentKeysRecordOneCertificate()
    {
        var token = AdminTokens.Create(db.Path, null).Token;
        var crashed = Service();
        using (var first = new NodeKeys())
            db.Write((c, t) => crashed.Reserve(c, t, token, Parse(first.Csr())));
        var restarted = Service();
        var keys = Enumerable.Range(0, 8).Select(_ => new NodeKeys()).ToList();
        var results = await Task.WhenAll(keys.Select(k => Task.Run(() =>
        {
            try { return restarted.IssueCertificate(new CertificateRequestMessage(token, k.Csr())).Certificate; }
            catch (RequestRefusedException e) when (e.Code == RegistryErrorCode.TokenSpent) { return null; }
        })));
        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(1, db.Read(PrefixAllocator.IssuedCount));
        Assert.Equal(winner, db.Read(c => PrefixAllocator.RecordedCertificate(c, NodePrefix.ParseBinary("0000000000000000"))));
        keys.ForEach(k => k.Dispose());
    }

    [Fact]
    public void AReservationWhoseTokenExpiredLongAgoIsFreedAtStartAndItsTokenGetsNothing()
    {
        var clock = new ManualClock();
        var token = TokenStore.NewToken();
        db.Write((c, t) => TokenStore.Add(c, t, token, null, clock.GetUtcNow(), clock.GetUtcNow().AddDays(1)));
        using var keys = new NodeKeys();
        var crashed = Service(clock);
        db.Write((c, t) => crashed.Reserve(c, t, token, Parse(keys.Csr())));

        clock.Advance(TimeSpan.FromDays(1) + PrefixAllocator.AbandonedAfter - TimeSpan.FromMinutes(1));
        var early = Service(clock); // the token expired, but not long enough ago: still reserved
        Assert.Equal(0, db.Read(c => CountFree(c, "0000000000000000")));

        clock.Advance(TimeSpan.FromMinutes(2));
        var restarted = Service(clock);
        Assert.Equal(1, db.Read(c => CountFree(c, "0000000000000000")));
        var late = Assert.Throws<RequestRefusedException>(() => restarted.IssueCertificate(new CertificateRequestMessage(token, keys.Csr())));
        Assert.True(late.Code is RegistryErrorCode.TokenSpent or RegistryErrorCode.TokenExpired, late.Code.ToString());

        var fresh = TokenStore.NewToken();
        db.Write((c, t) => TokenStore.Add(c, t, fresh, null, clock.GetUtcNow(), clock.GetUtcNow().AddDays(1)));
        Assert.Equal("0000000000000000", restarted.IssueCertificate(new CertificateRequestMessage(fresh, keys.Csr())).Prefix);
        Assert.Equal(1, db.Read(PrefixAllocator.IssuedCount));
        GC.KeepAlive(early);
    }

    static long CountFree(Microsoft.Data.Sqlite.SqliteConnection c, string prefix)
    {
        using var select = c.CreateCommand();
        select.CommandText = "SELECT count(*) FROM cert WHERE prefix = $p AND reserved = 0 AND cert IS NULL";
        select.Parameters.AddWithValue("$p", prefix);
        return (long)select.ExecuteScalar()!;
    }

    [Fact]
    public void TheCertificateWrittenByHandIsWhatOpensslAndDotnetAccept()
    {
        using var keys = new NodeKeys();
        var issued = Service().IssueCertificate(new CertificateRequestMessage(AdminTokens.Create(db.Path, null).Token, keys.Csr("CN=x,O=Example,C=FR")));
        using var cert = X509Certificate2.CreateFromPem(issued.Certificate);
        Assert.True(CertificateChecks.IsIssuedBy(cert, ca.Certificate));
        Assert.True(CertificateChecks.IsCurrent(cert, DateTimeOffset.UtcNow));
        Assert.Equal(3, cert.Version);
        Assert.Equal("0/16", cert.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Contains("O=Example", cert.Subject);
        Assert.Contains("C=FR", cert.Subject);
        Assert.False(Assert.IsType<X509BasicConstraintsExtension>(cert.Extensions["2.5.29.19"]).CertificateAuthority);
        Assert.True(cert.Extensions["2.5.29.15"]!.Critical);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
            Assert.IsType<X509EnhancedKeyUsageExtension>(cert.Extensions["2.5.29.37"]).EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        File.WriteAllText(dir.File("ca.pem"), ca.Certificate.ExportCertificatePem());
        File.WriteAllText(dir.File("node.pem"), issued.Certificate);
        var (code, output) = CliRun.Tool("openssl", "verify", "-CAfile", dir.File("ca.pem"), "-purpose", "sslserver", dir.File("node.pem"));
        Assert.True(code == 0, output);
        (code, output) = CliRun.Tool("openssl", "verify", "-CAfile", dir.File("ca.pem"), "-purpose", "sslclient", dir.File("node.pem"));
        Assert.True(code == 0, output);
    }

    public void Dispose()
    {
        db.Dispose();
        ca.Dispose();
        dir.Dispose();
    }
}
