using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;
using static Vifibnet.Tests.Registry.RegistryHttpTests;

namespace Vifibnet.Tests.Lifecycle;

/// <summary>
/// Revocation over real HTTP and a real SQLite file: a revoked node's signed requests are refused, it is no
/// longer handed out, the CRL the registry serves is signed by the CA (checked by the real openssl) and lists
/// it, its prefix is not handed out again before its certificate would have expired; bad targets change nothing.
/// </summary>
public sealed class RevocationTests
{
    static readonly HttpClient Http = new();

    internal static async Task<(HttpStatusCode Status, string Code)> DeclareAsync(TestRegistry registry, X509Certificate2 cert, System.Security.Cryptography.RSA key, string address = "198.51.100.7,1194,udp")
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DeclareRequest(address), RegistryJson.Options);
        using var response = await Http.SendAsync(Signed(HttpMethod.Post, new Uri(registry.Uri(), "/v1/peers"), cert, key, body));
        if (response.IsSuccessStatusCode) return (response.StatusCode, "");
        return (response.StatusCode, (await RegistryAnswer.ErrorAsync(response)).Error);
    }

    static string Cn(X509Certificate2 cert) => cert.GetNameInfo(X509NameType.SimpleName, false);

    [Fact]
    public async Task ARevokedNodeIsRefusedNoLongerHandedOutAndListedInACrlOpensslVerifies()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keysA = new NodeKeys();
        using var keysB = new NodeKeys();
        using var a = await registry.RegisterAsync(keysA);
        using var b = await registry.RegisterAsync(keysB);
        Assert.Equal(HttpStatusCode.OK, (await DeclareAsync(registry, a, keysA.Key)).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeclareAsync(registry, b, keysB.Key, "198.51.100.8,1194,udp")).Status);

        var result = AdminRevocation.Revoke(registry.Db.Path, Cn(a));
        Assert.Equal([a.SerialNumber], result.Serials);
        Assert.Equal(Cn(a), result.CommonName);

        Assert.Equal((HttpStatusCode.Forbidden, "certificate_revoked"), await DeclareAsync(registry, a, keysA.Key));
        using var clientA = registry.Client(cert: a, keys: keysA);
        var refused = await Assert.ThrowsAsync<RegistryCallException>(() => clientA.GetPeerListAsync(10));
        Assert.Equal(RegistryErrorCode.CertificateRevoked, refused.Code);
        using var clientB = registry.Client(cert: b, keys: keysB);
        Assert.Empty(await clientB.GetPeerListAsync(10)); // A is no longer handed out

        // The CRL as served: the real openssl verifies it against the CA and lists A's serial.
        using var dir = new TempDir();
        var crlPem = await Http.GetStringAsync(new Uri(registry.Uri(), "/v1/crl"));
        File.WriteAllText(dir.File("crl.pem"), crlPem);
        File.WriteAllText(dir.File("ca.crt"), registry.Ca.Certificate.ExportCertificatePem());
        var (code, output) = CliRun.Tool("openssl", "crl", "-CAfile", dir.File("ca.crt"), "-in", dir.File("crl.pem"), "-noout", "-text");
        Assert.True(code == 0, output);
        Assert.Contains("verify OK", output);
        Assert.Contains(a.SerialNumber, output.Replace(":", "").ToUpperInvariant());
        Assert.DoesNotContain(b.SerialNumber, output.Replace(":", "").ToUpperInvariant());
        var crl = RevocationList.Verify(crlPem, registry.Ca.Certificate);
        Assert.True(crl.Lists(a.SerialNumber));

        // Signed by another CA, openssl refuses it: the check above could fail.
        using var other = CertificateAuthority.Create(TestCertificates.Network);
        File.WriteAllText(dir.File("other.crt"), other.Certificate.ExportCertificatePem());
        var (otherCode, otherOutput) = CliRun.Tool("openssl", "crl", "-CAfile", dir.File("other.crt"), "-in", dir.File("crl.pem"), "-noout");
        Assert.True(otherCode != 0 || !otherOutput.Contains("verify OK"), otherOutput);

        // /v1/revocations: the same CRL and the revoked certificate, from which nodes learn the prefix.
        var revocations = await clientB.GetRevocationsAsync();
        Assert.Equal(crl.Number, RevocationList.Verify(revocations.Crl, registry.Ca.Certificate).Number);
        Assert.Single(revocations.Certificates);
        using var listed = X509Certificate2.CreateFromPem(revocations.Certificates[0]);
        Assert.Equal(a.SerialNumber, listed.SerialNumber);
    }

    [Fact]
    public async Task EachRevocationRaisesTheCrlNumber()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var a = await registry.RegisterAsync(keys);
        using var b = await registry.RegisterAsync(keys);
        var first = RevocationList.Verify(registry.Service.GetCrlPem(), registry.Ca.Certificate);
        Assert.Empty(first.Entries);
        AdminRevocation.Revoke(registry.Db.Path, NodePrefix.ParseCommonName(Cn(a)).ToBinary());
        var second = RevocationList.Verify(registry.Service.GetCrlPem(), registry.Ca.Certificate);
        AdminRevocation.Revoke(registry.Db.Path, b.SerialNumber); // by serial
        var third = RevocationList.Verify(registry.Service.GetCrlPem(), registry.Ca.Certificate);
        Assert.True(first.Number < second.Number && second.Number < third.Number);
        Assert.Equal(2, third.Entries.Count);
    }

    [Fact]
    public async Task RevokingAnUnknownNodeOrTwiceIsANamedErrorAndChangesNothing()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var a = await registry.RegisterAsync(keys);
        var before = registry.Snapshot();
        Assert.Equal(RevocationProblem.UnknownNode, Assert.Throws<RevocationException>(() => AdminRevocation.Revoke(registry.Db.Path, "0000000000000111")).Problem);
        Assert.Equal(RevocationProblem.UnknownNode, Assert.Throws<RevocationException>(() => AdminRevocation.Revoke(registry.Db.Path, "7/16")).Problem);
        Assert.Equal(RevocationProblem.UnknownNode, Assert.Throws<RevocationException>(() => AdminRevocation.Revoke(registry.Db.Path, "ABCDEF0123")).Problem);
        Assert.Equal(RevocationProblem.BadTarget, Assert.Throws<RevocationException>(() => AdminRevocation.Revoke(registry.Db.Path, "not-a-node")).Problem);
        Assert.Equal(before, registry.Snapshot());
        AdminRevocation.Revoke(registry.Db.Path, Cn(a));
        var revoked = registry.Snapshot();
        Assert.Equal(RevocationProblem.AlreadyRevoked, Assert.Throws<RevocationException>(() => AdminRevocation.Revoke(registry.Db.Path, Cn(a))).Problem);
        Assert.Equal(revoked, registry.Snapshot());
        Assert.Throws<RegistryDbUnavailableException>(() => AdminRevocation.Revoke(registry.Dir.File("missing.db"), Cn(a)));
    }

    [Fact]
    public async Task ARevokedPrefixIsNotHandedOutAgainBeforeItsCertificateWouldHaveExpired()
    {
        var clock = new ManualClock();
        await using var registry = await TestRegistry.StartAsync(new RegistryOptions { CertificateValidity = TimeSpan.FromDays(1), RenewalGrace = TimeSpan.FromHours(1) }, clock: clock);
        using var keys = new NodeKeys();
        string Token() => AdminTokens.Create(registry.Db.Path, null, TimeSpan.FromDays(30)).Token;
        using var client = registry.Client();
        using var a = X509Certificate2.CreateFromPem(await client.RequestCertificateAsync(Token(), keys.Csr()));
        AdminRevocation.Revoke(registry.Db.Path, Cn(a));
        using var b = X509Certificate2.CreateFromPem(await client.RequestCertificateAsync(Token(), keys.Csr()));
        Assert.NotEqual(Cn(a), Cn(b));
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(30)); // expired, grace not over
        using var c = X509Certificate2.CreateFromPem(await client.RequestCertificateAsync(Token(), keys.Csr()));
        Assert.NotEqual(Cn(a), Cn(c));
        clock.Advance(TimeSpan.FromHours(1)); // grace over: the prefix is free again, and off the CRL
        using var d = X509Certificate2.CreateFromPem(await client.RequestCertificateAsync(Token(), keys.Csr()));
        Assert.Equal(Cn(a), Cn(d));
        Assert.Contains(registry.Log, r => r.Message.Contains($"prefix {Cn(a)} freed"));
    }
}
