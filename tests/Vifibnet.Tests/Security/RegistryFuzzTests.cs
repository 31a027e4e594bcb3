using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vifibnet.Protocol;
using Vifibnet.Tests.Registry;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;
using static Vifibnet.Tests.Registry.RegistryHttpTests;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 9 of issue 11: inputs that made the registry answer 500 (an Ed25519 or DSA CSR, a
/// timestamp of now - 2^63), then a bounded random test over every endpoint of the real registry
/// over HTTP: whatever the body, headers, signature, timestamp or query, the answer is never a 500.
/// </summary>
public sealed class RegistryFuzzTests(RegisteredNodeFixture fixture, ITestOutputHelper output) : IClassFixture<RegisteredNodeFixture>
{
    static readonly HttpClient Http = new();
    TestRegistry Registry => fixture.Registry;

    static string OpensslCsr(TempDir dir, string name, params string[] genkey)
    {
        var openssl = Requires.Tool("openssl", "openssl");
        var key = dir.File(name + ".key");
        var made = CliRun.Tool(openssl, [.. genkey[..^1], "-out", key, genkey[^1]]);
        Assert.True(made.Code == 0, made.Output);
        var csr = CliRun.Tool(openssl, "req", "-new", "-key", key, "-subj", "/CN=node", "-out", dir.File(name + ".csr"));
        Assert.True(csr.Code == 0, csr.Output);
        return File.ReadAllText(dir.File(name + ".csr"));
    }

    [Fact]
    public async Task Ed25519DsaAndEcdsaCsrsAreRefusedAsInvalidCsrAndSpendNoToken()
    {
        using var dir = new TempDir();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csrs = new Dictionary<string, string>
        {
            ["ed25519"] = OpensslCsr(dir, "ed25519", "genpkey", "-algorithm", "ed25519", "-quiet"),
            ["dsa"] = OpensslCsr(dir, "dsa", "dsaparam", "-genkey", "-noout", "1024"),
            ["ecdsa"] = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=node", ec, HashAlgorithmName.SHA256).CreateSigningRequestPem(),
        };
        foreach (var (kind, csr) in csrs)
        {
            var token = Registry.AdminToken();
            var before = Registry.Snapshot();
            using var response = await Http.PostAsync(new Uri(Registry.Uri(), "/v1/certificates"),
                new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new CertificateRequestMessage(token, csr), RegistryJson.Options)));
            var error = await RegistryAnswer.ErrorAsync(response);
            output.WriteLine($"{kind}: {(int)response.StatusCode} {error.Error}: {error.Message}");
            Assert.Equal((HttpStatusCode.BadRequest, "invalid_csr"), (response.StatusCode, error.Error));
            Assert.Equal(before, Registry.Snapshot());
        }
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-1L)]
    [InlineData(1L)]
    public async Task AnExtremeTimestampIsOutOfWindow(long offset)
    {
        var at = offset switch { long.MinValue or long.MaxValue => offset, _ => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offset * 100_000 };
        // The window is checked before the signature, so the replaced header needs no new signature.
        var request = Signed(HttpMethod.Get, new Uri(Registry.Uri(), "/v1/peers?n=1"), fixture.Cert, fixture.Keys.Key, []);
        request.Headers.Remove(NodeRequestSignature.TimestampHeader);
        request.Headers.Add(NodeRequestSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await Http.SendAsync(request);
        var error = await RegistryAnswer.ErrorAsync(response);
        Assert.Equal((HttpStatusCode.Unauthorized, "timestamp_out_of_window"), (response.StatusCode, error.Error));
    }

    static readonly string[] Endpoints = ["GET /v1/ca", "POST /v1/tokens", "POST /v1/certificates", "GET /v1/private-address", "GET /v1/bootstrap", "POST /v1/peers", "GET /v1/peers"];

    [Fact]
    public async Task NoRandomRequestToAnyEndpointGets500()
    {
        const int Seed = 11, Requests = 700;
        var random = new Random(Seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var endpoint = Endpoints[random.Next(Endpoints.Length)];
            var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            if (path == "/v1/peers" && method == "GET" && random.Next(2) == 0) path += "?n=" + RandomQueryValue(random);
            var body = method == "POST" ? RandomBody(random, path) : random.Next(8) == 0 ? RandomBytes(random, 64) : [];
            var request = RandomlySigned(random, new HttpMethod(method), new Uri(Registry.Uri(), path), body);
            using var response = await Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            if ((int)response.StatusCode == 500 || text.Contains("\"internal\""))
                failures.Add($"#{i} {method} {path} body {Convert.ToBase64String(body[..Math.Min(body.Length, 200)])}: {(int)response.StatusCode} {text}");
        }
        output.WriteLine($"seed {Seed}, {Requests} requests: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(statuses.Keys.Count(k => k is >= 200 and < 300) > 0 && statuses.Count >= 4, "the inputs should reach both success and several refusals");
        using var ca = await Http.GetAsync(new Uri(Registry.Uri(), "/v1/ca"));
        Assert.Equal(HttpStatusCode.OK, ca.StatusCode);
    }

    HttpRequestMessage RandomlySigned(Random random, HttpMethod method, Uri uri, byte[] body)
    {
        var mode = random.Next(6);
        if (mode == 0)
        {
            var bare = new HttpRequestMessage(method, uri);
            if (body.Length > 0) bare.Content = new ByteArrayContent(body);
            return bare;
        }
        var at = mode == 3 ? DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(-62135596800L, 253402300799L)) : DateTimeOffset.UtcNow;
        var request = Signed(method, uri, fixture.Cert, fixture.Keys.Key, body, at);
        string? header = mode switch
        {
            1 => NodeRequestSignature.CertificateHeader,
            2 => NodeRequestSignature.SignatureHeader,
            4 => NodeRequestSignature.TimestampHeader,
            _ => null, // 3: a random but representable time; 5: a good signature
        };
        if (header is not null)
        {
            request.Headers.Remove(header);
            var value = header == NodeRequestSignature.TimestampHeader
                ? random.Next(3) switch { 0 => random.NextInt64(long.MinValue, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture), 1 => "-9223372036854775808", _ => RandomAscii(random, 30) }
                : random.Next(2) == 0 ? Convert.ToBase64String(RandomBytes(random, 3000)) : RandomAscii(random, 200);
            request.Headers.TryAddWithoutValidation(header, value);
        }
        return request;
    }

    byte[] RandomBody(Random random, string path)
    {
        switch (random.Next(5))
        {
            case 0: return RandomBytes(random, 2000);
            case 1: return Encoding.UTF8.GetBytes(RandomJson(random, 3));
            case 2:
                var valid = path switch
                {
                    "/v1/tokens" => JsonSerializer.Serialize(new TokenRequest(RandomText(random, 40) + "@example.com"), RegistryJson.Options),
                    "/v1/certificates" => JsonSerializer.Serialize(new CertificateRequestMessage(random.Next(2) == 0 ? Registry.AdminToken() : RandomText(random, 40), RandomCsr(random)), RegistryJson.Options),
                    _ => JsonSerializer.Serialize(new DeclareRequest(RandomAddress(random)), RegistryJson.Options),
                };
                return Encoding.UTF8.GetBytes(valid);
            case 3:
                var text = Encoding.UTF8.GetBytes(RandomJson(random, 2));
                return text[..random.Next(text.Length + 1)];
            default: return [];
        }
    }

    string RandomCsr(Random random)
    {
        if (random.Next(3) == 0) return RandomText(random, 500);
        var csr = fixture.Keys.Csr(random.Next(2) == 0 ? "CN=node" : "CN=" + RandomText(random, 20).Replace(",", "").Replace("=", ""));
        if (random.Next(2) == 0) return csr;
        var chars = csr.ToCharArray();
        chars[random.Next(40, chars.Length - 40)] = (char)random.Next(33, 127);
        return new string(chars);
    }

    static string RandomAddress(Random random) => string.Join(';', Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(4) switch
    {
        0 => $"{random.Next(256)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)},{random.Next(-5, 70000)},udp",
        1 => $"2001:db8::{random.Next(65536):x},{random.Next(1, 65536)},tcp-client",
        2 => RandomText(random, 30),
        _ => $"198.51.100.{random.Next(256)},1194,{RandomText(random, 5)}",
    }));

    static string RandomQueryValue(Random random) => random.Next(4) switch
    {
        0 => random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => "99999999999999999999",
        2 => Uri.EscapeDataString(RandomText(random, 10)),
        _ => random.Next(0, 200).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    static string RandomJson(Random random, int depth) => random.Next(depth <= 0 ? 4 : 7) switch
    {
        0 => JsonSerializer.Serialize(RandomText(random, 50)),
        1 => random.Next(2) == 0 ? "1e999" : random.NextInt64(long.MinValue, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
        2 => "null",
        3 => random.Next(2) == 0 ? "true" : "false",
        4 => "[" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth - 1))) + "]",
        _ => "{" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(_ =>
            JsonSerializer.Serialize(new[] { "email", "token", "csr", "address", RandomText(random, 8) }[random.Next(5)]) + ":" + RandomJson(random, depth - 1))) + "}",
    };

    static string RandomText(Random random, int max)
    {
        var chars = new char[random.Next(max + 1)];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = random.Next(5) switch { 0 => (char)random.Next(0, 32), 1 => (char)random.Next(0x80, 0x2FFF), _ => (char)random.Next(32, 127) };
        return new string(chars).Replace('\uFFFE', '?');
    }

    /// <summary>What an HTTP header can carry: printable ASCII.</summary>
    static string RandomAscii(Random random, int max) => new([.. Enumerable.Range(0, random.Next(max + 1)).Select(_ => (char)random.Next(32, 127))]);

    static byte[] RandomBytes(Random random, int max)
    {
        var bytes = new byte[random.Next(max + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
