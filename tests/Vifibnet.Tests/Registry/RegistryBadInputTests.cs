using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;
using static Vifibnet.Tests.Registry.RegistryHttpTests;

namespace Vifibnet.Tests.Registry;

/// <summary>A registry (real HTTP, real SQLite file) with one registered node, shared by the bad-input tests.</summary>
public sealed class RegisteredNodeFixture : IAsyncLifetime
{
    public TestRegistry Registry { get; private set; } = null!;
    public NodeKeys Keys { get; } = new();
    public X509Certificate2 Cert { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Registry = await TestRegistry.StartAsync();
        Cert = await Registry.RegisterAsync(Keys);
    }

    public async Task DisposeAsync()
    {
        Cert.Dispose();
        Keys.Dispose();
        await Registry.DisposeAsync();
    }
}

/// <summary>
/// Every bad input of the registry issue: each gets its HTTP status and JSON error code, leaves the
/// DB exactly as it was, and the server goes on serving.
/// </summary>
public class RegistryBadInputTests(RegisteredNodeFixture fixture) : IClassFixture<RegisteredNodeFixture>
{
    static readonly HttpClient Http = new();
    TestRegistry Registry => fixture.Registry;
    Uri At(string path) => new(Registry.Uri(), path);

    async Task<ErrorResponse> AssertRefused(HttpRequestMessage request, HttpStatusCode status, string code)
    {
        var before = Registry.Snapshot();
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonSerializer.Deserialize<ErrorResponse>(text, RegistryJson.Options)!;
        Assert.Equal(code, error.Error);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(before, Registry.Snapshot());
        using var ca = await Http.GetAsync(At("/v1/ca"));
        Assert.Equal(HttpStatusCode.OK, ca.StatusCode);
        return error;
    }

    HttpRequestMessage Post(string path, string body) =>
        new(HttpMethod.Post, At(path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    HttpRequestMessage CertificateRequest(string token, string csr) =>
        new(HttpMethod.Post, At("/v1/certificates")) { Content = Json(new CertificateRequestMessage(token, csr)) };

    [Fact]
    public Task MalformedJson() => AssertRefused(Post("/v1/certificates", "{\"token\": "), HttpStatusCode.BadRequest, "bad_request");

    [Fact]
    public Task EmptyBody() => AssertRefused(Post("/v1/peers", ""), HttpStatusCode.Unauthorized, "authentication_missing");

    [Fact]
    public Task OversizedBody() =>
        AssertRefused(Post("/v1/certificates", "{\"csr\":\"" + new string('A', 200_000) + "\"}"), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

    [Fact]
    public async Task OversizedChunkedBody()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, At("/v1/certificates"))
        {
            Content = new StreamContent(new MemoryStream(new byte[200_000])),
        };
        request.Headers.TransferEncodingChunked = true;
        await AssertRefused(request, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task CsrThatDoesNotParse()
    {
        var error = await AssertRefused(CertificateRequest(Registry.AdminToken(), "-----BEGIN CERTIFICATE REQUEST-----\nnot a csr\n-----END CERTIFICATE REQUEST-----"),
            HttpStatusCode.BadRequest, "invalid_csr");
        Assert.Contains("certificate request", error.Message);
    }

    [Fact]
    public async Task CsrWithABadSignature()
    {
        using var keys = new NodeKeys();
        var der = PemEncoding.Find(keys.Csr()) is var fields ? Convert.FromBase64String(keys.Csr()[fields.Base64Data]) : [];
        der[^1] ^= 0x55; // the signature is the CSR's last field
        var pem = new string(PemEncoding.Write("CERTIFICATE REQUEST", der));
        await AssertRefused(CertificateRequest(Registry.AdminToken(), pem), HttpStatusCode.BadRequest, "invalid_csr");
    }

    [Fact]
    public async Task UnknownToken()
    {
        using var keys = new NodeKeys();
        await AssertRefused(CertificateRequest(TokenStore.NewToken(), keys.Csr()), HttpStatusCode.Forbidden, "token_unknown");
    }

    [Fact]
    public async Task ExpiredToken()
    {
        using var keys = new NodeKeys();
        var old = AdminTokens.Create(Registry.Db.Path, null, clock: new ManualClock(DateTimeOffset.UtcNow.AddDays(-2))).Token;
        await AssertRefused(CertificateRequest(old, keys.Csr()), HttpStatusCode.Forbidden, "token_expired");
    }

    [Fact]
    public async Task SpentToken()
    {
        using var keys = new NodeKeys();
        var token = Registry.AdminToken();
        using (var first = await Http.SendAsync(CertificateRequest(token, keys.Csr())))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var other = new NodeKeys(); // the same key again would be a retry, answered with the same certificate
        await AssertRefused(CertificateRequest(token, other.Csr()), HttpStatusCode.Forbidden, "token_spent");
    }

    [Fact]
    public async Task CertificateFromAnotherCa()
    {
        using var otherCa = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        using var csr = new NodeKeys();
        using var cert = otherCa.Issue(System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequestPem(csr.Csr(), HashAlgorithmName.SHA256),
            NodePrefix.ParseCommonName("0/16"), [1, 2, 3], TimeSpan.FromDays(1));
        await AssertRefused(Signed(HttpMethod.Get, At("/v1/peers?n=5"), cert, csr.Key, []), HttpStatusCode.Forbidden, "certificate_untrusted");
    }

    [Fact]
    public async Task ExpiredCertificate()
    {
        using var keys = new NodeKeys();
        // Signed by the CA, valid from 10 to 5 minutes ago.
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=5/16", keys.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.Create(Registry.Ca.Certificate.SubjectName,
            System.Security.Cryptography.X509Certificates.X509SignatureGenerator.CreateForRSA(Registry.Ca.Key, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(-5), [9, 9]);
        await AssertRefused(Signed(HttpMethod.Get, At("/v1/peers?n=5"), cert, keys.Key, []), HttpStatusCode.Forbidden, "certificate_expired");
    }

    [Fact]
    public async Task SignatureByAnotherKey()
    {
        using var other = RSA.Create(2048);
        await AssertRefused(Signed(HttpMethod.Get, At("/v1/peers?n=5"), fixture.Cert, other, []), HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Fact]
    public async Task BodyChangedAfterSigning()
    {
        var request = Signed(HttpMethod.Post, At("/v1/peers"), fixture.Cert, fixture.Keys.Key,
            JsonSerializer.SerializeToUtf8Bytes(new DeclareRequest("198.51.100.1,1194,udp")));
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new DeclareRequest("203.0.113.66,1194,udp")));
        await AssertRefused(request, HttpStatusCode.Unauthorized, "signature_invalid");
    }

    [Fact]
    public Task StaleTimestamp() =>
        AssertRefused(Signed(HttpMethod.Get, At("/v1/peers?n=5"), fixture.Cert, fixture.Keys.Key, [], DateTimeOffset.UtcNow.AddHours(-1)),
            HttpStatusCode.Unauthorized, "timestamp_out_of_window");

    [Fact]
    public async Task ReplayedRequest()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DeclareRequest("198.51.100.3,1194,udp"));
        var original = Signed(HttpMethod.Post, At("/v1/peers"), fixture.Cert, fixture.Keys.Key, body);
        var copy = new HttpRequestMessage(HttpMethod.Post, original.RequestUri) { Content = new ByteArrayContent(body) };
        foreach (var header in original.Headers) copy.Headers.Add(header.Key, header.Value);
        using (var first = await Http.SendAsync(original))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertRefused(copy, HttpStatusCode.Unauthorized, "request_replayed");
    }

    [Fact]
    public Task UnsignedNodeRequest() =>
        AssertRefused(new HttpRequestMessage(HttpMethod.Get, At("/v1/private-address")), HttpStatusCode.Unauthorized, "authentication_missing");

    [Fact]
    public Task DeclaringAnAddressThatIsNotOne() =>
        AssertRefused(Signed(HttpMethod.Post, At("/v1/peers"), fixture.Cert, fixture.Keys.Key,
            JsonSerializer.SerializeToUtf8Bytes(new DeclareRequest("198.51.100.1,99999,udp"))), HttpStatusCode.BadRequest, "invalid_address");

    [Fact]
    public Task PeerCountThatIsNotANumber() =>
        AssertRefused(Signed(HttpMethod.Get, At("/v1/peers?n=lots"), fixture.Cert, fixture.Keys.Key, []), HttpStatusCode.BadRequest, "bad_request");

    [Fact]
    public Task TokenRequestForANonAddress() =>
        AssertRefused(Post("/v1/tokens", "{\"email\":\"no at sign\"}"), HttpStatusCode.BadRequest, "invalid_email");

    [Fact]
    public async Task TokenRequestWithoutAMailHost()
    {
        var error = await AssertRefused(Post("/v1/tokens", "{\"email\":\"a@example.com\"}"), HttpStatusCode.ServiceUnavailable, "mail_not_configured");
        Assert.Contains("--mailhost", error.Message);
    }

    [Fact]
    public Task UnknownPath() => AssertRefused(new HttpRequestMessage(HttpMethod.Delete, At("/v1/ca")), HttpStatusCode.NotFound, "not_found");

    [Fact]
    public async Task ExhaustedPrefixSpace()
    {
        await using var tiny = await TestRegistry.StartAsync(new RegistryOptions { PrefixLength = 1 });
        using var keys = new NodeKeys();
        using var client = tiny.Client();
        Assert.Contains("BEGIN CERTIFICATE", await client.RequestCertificateAsync(tiny.AdminToken(), keys.Csr()));
        Assert.Contains("BEGIN CERTIFICATE", await client.RequestCertificateAsync(tiny.AdminToken(), keys.Csr()));
        var token = tiny.AdminToken();
        var before = tiny.Snapshot();
        var error = await Assert.ThrowsAsync<RegistryCallException>(() => client.RequestCertificateAsync(token, keys.Csr()));
        Assert.Equal(RegistryErrorCode.PrefixExhausted, error.Code);
        Assert.Equal(503, error.Status);
        Assert.Contains(tiny.Uri().ToString(), error.Message);
        Assert.Equal(before, tiny.Snapshot()); // the token is not spent by a refused request
    }

    [Fact]
    public async Task BootstrapWithNoPeerKnown()
    {
        await using var empty = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var cert = await empty.RegisterAsync(keys);
        var before = empty.Snapshot();
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, new Uri(empty.Uri(), "/v1/bootstrap"), cert, keys.Key, []));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no_peers", JsonSerializer.Deserialize<ErrorResponse>(await response.Content.ReadAsStringAsync(), RegistryJson.Options)!.Error);
        Assert.Equal(before, empty.Snapshot());
    }
}
