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

namespace Vifibnet.Tests.Registry;

/// <summary>The registry over real HTTP on 127.0.0.1 and ::1, with a real SQLite file: the good paths.</summary>
public class RegistryHttpTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task ServesTheCaAndRegistersANodeOnBothFamilies(string host)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var client = registry.Client(host);
        var caPem = await client.GetCaAsync();
        using var ca = X509Certificate2.CreateFromPem(caPem);
        Assert.Equal("2001:db8:42::/48", CertificateAuthority.NetworkPrefixOf(ca).ToString());

        using var keys = new NodeKeys();
        var certPem = await client.RequestCertificateAsync(registry.AdminToken(), keys.Csr("CN=ignored,O=Example,C=FR"));
        using var cert = X509Certificate2.CreateFromPem(certPem);
        Assert.True(CertificateChecks.IsIssuedBy(cert, ca));
        Assert.True(CertificateChecks.MatchesKey(cert, keys.Key));
        Assert.Equal("sha256RSA", cert.SignatureAlgorithm.FriendlyName);
        Assert.Equal("0/16", cert.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Contains("O=Example", cert.Subject);
        Assert.Contains("C=FR", cert.Subject);
        Assert.DoesNotContain("ignored", cert.Subject);
        var identity = NodeIdentity.From(ca, cert);
        Assert.Equal(IPAddress.Parse("2001:db8:42::1"), identity.Address);
    }

    [Fact]
    public async Task NodeRequestsAreAnsweredForTheCertificatesPrefix()
    {
        var options = new RegistryOptions { PrivateAddress = IPAddress.Parse("2001:db8:42::1") };
        await using var registry = await TestRegistry.StartAsync(options);
        using var aKeys = new NodeKeys();
        using var bKeys = new NodeKeys();
        using var aCert = await registry.RegisterAsync(aKeys);
        using var bCert = await registry.RegisterAsync(bKeys, "::1");
        using var a = registry.Client("127.0.0.1", aCert, aKeys);
        using var b = registry.Client("::1", bCert, bKeys);

        Assert.Equal(IPAddress.Parse("2001:db8:42::1"), await a.GetPrivateAddressAsync());
        Assert.Null(await a.GetBootstrapPeerAsync()); // nobody declared yet
        await a.DeclareAsync("198.51.100.1,1194,udp;198.51.100.1,1194,tcp-server");
        await b.DeclareAsync("203.0.113.7,1195,udp");

        var peersOfA = await a.GetPeerListAsync(10);
        Assert.Equal([new PeerEntry("0000000000000001", "203.0.113.7,1195,udp")], peersOfA);
        var peersOfB = await b.GetPeerListAsync(10);
        Assert.Equal([new PeerEntry("0000000000000000", "198.51.100.1,1194,udp;198.51.100.1,1194,tcp-server")], peersOfB);
        Assert.Equal(new PeerEntry("0000000000000001", "203.0.113.7,1195,udp"), await a.GetBootstrapPeerAsync());
    }

    [Fact]
    public async Task ADeclareNamingAnotherPrefixIsStoredUnderTheCertificatesOwn()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var aKeys = new NodeKeys();
        using var bKeys = new NodeKeys();
        using var aCert = await registry.RegisterAsync(aKeys); // 0/16
        using var bCert = await registry.RegisterAsync(bKeys); // 1/16
        using var b = registry.Client("127.0.0.1", bCert, bKeys);
        await b.DeclareAsync("203.0.113.7,1195,udp");

        // Node a tries to speak for b: b's prefix in the query and in the body, signed with a's own key.
        var body = Encoding.UTF8.GetBytes("{\"prefix\":\"0000000000000001\",\"address\":\"198.51.100.66,1194,udp\"}");
        using var http = new HttpClient();
        using var response = await http.SendAsync(Signed(HttpMethod.Post, new Uri(registry.Uri(), "/v1/peers?prefix=0000000000000001"), aCert, aKeys.Key, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = JsonSerializer.Deserialize<DeclareResponse>(await response.Content.ReadAsStringAsync(), RegistryJson.Options)!;
        Assert.Equal("0000000000000000", stored.Prefix);

        Assert.Equal([new PeerEntry("0000000000000000", "198.51.100.66,1194,udp")], await b.GetPeerListAsync(10));
        using var a = registry.Client("127.0.0.1", aCert, aKeys);
        Assert.Equal([new PeerEntry("0000000000000001", "203.0.113.7,1195,udp")], await a.GetPeerListAsync(10));
    }

    [Fact]
    public async Task TheBootstrapPeerIsSealedToTheRequestingNodesKey()
    {
        var options = new RegistryOptions { BootstrapPeers = [new PeerEntry("0000000000000111", "198.51.100.9,1194,udp")] };
        await using var registry = await TestRegistry.StartAsync(options);
        using var keys = new NodeKeys();
        using var cert = await registry.RegisterAsync(keys);
        using var http = new HttpClient();
        var path = "/v1/bootstrap";
        using var request = Signed(HttpMethod.Get, new Uri(registry.Uri(), path), cert, keys.Key, []);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("198.51.100.9", text);
        var box = JsonSerializer.Deserialize<BootstrapResponse>(text, RegistryJson.Options)!.Sealed;
        using var otherKey = RSA.Create(2048);
        Assert.ThrowsAny<CryptographicException>(() => box.Open(otherKey));
        var peer = JsonSerializer.Deserialize<PeerEntry>(box.Open(keys.Key), RegistryJson.Options);
        Assert.Equal(new PeerEntry("0000000000000111", "198.51.100.9,1194,udp"), peer);
    }

    [Fact]
    public async Task OneTokenSentTwentyTimesAtOnceBuysOneCertificate()
    {
        await using var registry = await TestRegistry.StartAsync();
        var token = registry.AdminToken();
        // Twenty keys: the same token and the same key again is a retry, answered with the same certificate (CertificateRetryTests).
        var csrs = Enumerable.Range(0, 20).Select(_ => { using var keys = new NodeKeys(); return keys.Csr(); }).ToList();
        using var http = new HttpClient();
        var uri = new Uri(registry.Uri(), "/v1/certificates");
        var answers = await Task.WhenAll(csrs.Select(async csr =>
        {
            using var response = await http.PostAsync(uri, Json(new CertificateRequestMessage(token, csr)));
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, Error: response.IsSuccessStatusCode ? null : JsonSerializer.Deserialize<ErrorResponse>(text, RegistryJson.Options)!.Error);
        }));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal((HttpStatusCode.Forbidden, "token_spent"), (a.StatusCode, a.Error)));
        Assert.Equal(1, registry.Db.Read(PrefixAllocator.IssuedCount));
    }

    [Fact]
    public void ABootstrapPrefixOfTheWrongLengthIsRefusedAtStart()
    {
        var options = new RegistryOptions { PrefixLength = 20, BootstrapPeers = [new PeerEntry("0000000000000111", "198.51.100.9,1194,udp")] };
        using var dir = new TempDir();
        using var ca = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        using var db = new RegistryDb(dir.File("registry.db"));
        var error = Assert.Throws<ArgumentException>(() => new RegistryService(options, db, ca, Vifibnet.Logging.Logger.Null));
        Assert.Contains("--bootstrap 0000000000000111: a node prefix here is 20 binary digits", error.Message);
    }

    [Fact]
    public async Task TwoHundredConcurrentRequestsGetDisjointPrefixes()
    {
        await using var registry = await TestRegistry.StartAsync();
        var tokens = Enumerable.Range(0, 200).Select(_ => registry.AdminToken()).ToList();
        using var keys = new NodeKeys(); // one key is enough: the allocator is what is under test
        var csr = keys.Csr();
        using var http = new HttpClient();
        var uri = new Uri(registry.Uri(), "/v1/certificates");
        var answers = await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            using var response = await http.PostAsync(i % 2 == 0 ? uri : new Uri(registry.Uri("::1"), "/v1/certificates"),
                Json(new CertificateRequestMessage(token, csr)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonSerializer.Deserialize<CertificateResponse>(await response.Content.ReadAsStringAsync(), RegistryJson.Options)!;
        }));
        var prefixes = answers.Select(a => NodePrefix.ParseBinary(a.Prefix)).ToList();
        Assert.Equal(200, prefixes.Distinct().Count());
        for (var i = 0; i < prefixes.Count; i++)
            for (var j = i + 1; j < prefixes.Count; j++)
                Assert.False(prefixes[i].Overlaps(prefixes[j]));
        // And the same token spent concurrently with different keys wins exactly once.
        var token2 = registry.AdminToken();
        var racers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => { using var other = new NodeKeys(); return other.Csr(); }).ToList()
            .Select(other => http.PostAsync(uri, Json(new CertificateRequestMessage(token2, other)))));
        Assert.Equal(1, racers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, racers.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
    }

    internal static StringContent Json<T>(T value) =>
        new(JsonSerializer.Serialize(value, RegistryJson.Options), Encoding.UTF8, "application/json");

    internal static HttpRequestMessage Signed(HttpMethod method, Uri uri, X509Certificate2 cert, RSA key, byte[] body, DateTimeOffset? at = null)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body.Length > 0) request.Content = new ByteArrayContent(body);
        var (c, ts, nonce, sig) = NodeRequestSignature.Sign(cert, key, method.Method, uri.PathAndQuery, body, at ?? DateTimeOffset.UtcNow);
        request.Headers.Add(NodeRequestSignature.CertificateHeader, c);
        request.Headers.Add(NodeRequestSignature.TimestampHeader, ts);
        request.Headers.Add(NodeRequestSignature.NonceHeader, nonce);
        request.Headers.Add(NodeRequestSignature.SignatureHeader, sig);
        return request;
    }
}

/// <summary>The one-day peer time-out, seen through the HTTP API with the registry's clock moved forward.</summary>
public class PeerTimeoutTests
{
    [Fact]
    public async Task APeerNotDeclaredForADayDropsOutOfTheList()
    {
        var clock = new ManualClock();
        await using var registry = await TestRegistry.StartAsync(clock: clock);
        using var aKeys = new NodeKeys();
        using var bKeys = new NodeKeys();
        using var aCert = await registry.RegisterAsync(aKeys);
        using var bCert = await registry.RegisterAsync(bKeys);
        using var a = registry.Client("127.0.0.1", aCert, aKeys, clock);
        using var b = registry.Client("::1", bCert, bKeys, clock);
        await b.DeclareAsync("203.0.113.7,1195,udp");
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Single(await a.GetPeerListAsync(5));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await a.GetPeerListAsync(5));
        Assert.Null(await a.GetBootstrapPeerAsync());
        await a.DeclareAsync("198.51.100.1,1194,udp"); // a declare also deletes the stale rows
        Assert.DoesNotContain("203.0.113.7", registry.Snapshot());
        await b.DeclareAsync("203.0.113.7,1195,udp");  // declaring again brings it back
        Assert.Single(await a.GetPeerListAsync(5));
    }
}
