using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Bench.Registry;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Server;

// Bounded loopback load on the real registry (Kestrel + SQLite file): ~20 s in all.
// 1. GET /v1/ca; 2. signed GET /v1/peers?n=20 with 10,000 declared peers;
// 3. certificates per second on a fresh DB; 4. the same with 10,000 certificates already issued.
var phase = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BENCH_PHASE_SECONDS") ?? "4", CultureInfo.InvariantCulture));
const int Workers = 16, Peers = 10_000, Issued = 10_000;
var figures = new List<LoadFigures>();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers });
using var nodeKey = RSA.Create(2048);
var csr = new CertificateRequest("CN=bench,O=Bench", nodeKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
var network = NetworkPrefix.Parse("2001:db8:42::/48");

await using (var fresh = await Bench.StartAsync(network))
{
    var caUri = new Uri(fresh.Uri, "v1/ca");
    figures.Add(await LoadRun.RunAsync("ca", phase, Workers, async _ =>
    {
        using var response = await http.GetAsync(caUri);
        response.EnsureSuccessStatusCode();
    }));

    // Peers declared straight into the DB (what 10,000 declare requests would leave behind).
    fresh.Db.Write((c, t) =>
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= Peers; i++)
            PeerTable.Declare(c, t, Convert.ToString(i, 2).PadLeft(16, '0'), $"198.51.100.{i % 250 + 1},1194,udp", now);
    });
    var token = AdminTokens.Create(fresh.Db.Path, null).Token;
    var certPem = fresh.Service.IssueCertificate(new CertificateRequestMessage(token, csr)).Certificate;
    using var cert = X509Certificate2.CreateFromPem(certPem);
    var peersUri = new Uri(fresh.Uri, "v1/peers?n=20");
    figures.Add(await LoadRun.RunAsync("peers(n=20, 10k peers)", phase, Workers, async _ =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, peersUri);
        var (c, ts, nonce, sig) = NodeRequestSignature.Sign(cert, nodeKey, "GET", peersUri.PathAndQuery, [], DateTimeOffset.UtcNow);
        request.Headers.Add(NodeRequestSignature.CertificateHeader, c);
        request.Headers.Add(NodeRequestSignature.TimestampHeader, ts);
        request.Headers.Add(NodeRequestSignature.NonceHeader, nonce);
        request.Headers.Add(NodeRequestSignature.SignatureHeader, sig);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync<PeerListResponse>(RegistryJson.Options);
        if (list!.Peers.Count != 20) throw new InvalidOperationException($"got {list.Peers.Count} peers");
    }));

    // The same pick without HTTP or signatures: what the DB side of a peer list costs.
    var node = fresh.Service.Authenticate("GET", "/x", Convert.ToBase64String(cert.RawData), DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        "n0", Convert.ToBase64String(nodeKey.SignData(NodeRequestSignature.Canonical("GET", "/x", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "n0", []), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)), []);
    figures.Add(await LoadRun.RunAsync("peers(service only, 1 thread)", phase / 4, 1, _ =>
    {
        if (fresh.Service.GetPeerList(node, 20).Peers.Count != 20) throw new InvalidOperationException("short peer list");
        return Task.CompletedTask;
    }));
}

figures.Add(await IssueAsync("certs(fresh DB)", prefill: 0));
figures.Add(await IssueAsync($"certs({Issued / 1000}k issued)", prefill: Issued));

foreach (var f in figures) Console.WriteLine(f);
var summary = figures.ToDictionary(f => f.Name, f => new { rps = Math.Round(f.PerSecond, 1), p50_ms = Math.Round(f.P50Ms, 2), p99_ms = Math.Round(f.P99Ms, 2), n = f.Requests });
Console.WriteLine(JsonSerializer.Serialize(new { bench = "registry", workers = Workers, phase_s = phase.TotalSeconds, results = summary }));

async Task<LoadFigures> IssueAsync(string name, int prefill)
{
    await using var registry = await Bench.StartAsync(network);
    if (prefill > 0)
        registry.Db.Write((c, t) =>
        {
            // What 10,000 issued certificates leave in the DB: the prefix tree, a certificate each, spent tokens.
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < prefill; i++)
            {
                var prefix = PrefixAllocator.Allocate(c, t, PrefixAllocator.DefaultLength);
                PrefixAllocator.RecordCertificate(c, t, prefix, null, certPemFiller, now);
                var spent = TokenStore.NewToken();
                TokenStore.Add(c, t, spent, null, now, now.AddDays(1));
                TokenStore.Spend(c, t, spent, now);
            }
        });
    var tokens = Enumerable.Range(0, 20_000).Select(_ => TokenStore.NewToken()).ToArray();
    registry.Db.Write((c, t) =>
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var token in tokens) TokenStore.Add(c, t, token, null, now, now.AddDays(1));
    });
    var uri = new Uri(registry.Uri, "v1/certificates");
    return await LoadRun.RunAsync(name, phase, Workers / 2, async i =>
    {
        var body = JsonSerializer.Serialize(new CertificateRequestMessage(tokens[i], csr), RegistryJson.Options);
        using var response = await http.PostAsync(uri, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    });
}

partial class Program
{
    static readonly string certPemFiller = new('C', 1100);
}

/// <summary>A registry on a loopback port with a SQLite file in a temp dir, deleted on dispose.</summary>
sealed class Bench : IAsyncDisposable
{
    public required RegistryDb Db { get; init; }
    public required RegistryService Service { get; init; }
    public required RegistryServer Server { get; init; }
    public required CertificateAuthority Ca { get; init; }
    public required string Dir { get; init; }
    public Uri Uri => new($"http://127.0.0.1:{Server.Port}/");

    public static async Task<Bench> StartAsync(NetworkPrefix network)
    {
        var dir = Directory.CreateTempSubdirectory("vifibnet-bench-").FullName;
        var ca = CertificateAuthority.Create(network);
        var db = new RegistryDb(Path.Combine(dir, "registry.db"));
        var service = new RegistryService(new RegistryOptions(), db, ca, Logger.Null);
        var server = new RegistryServer(service, 0, Logger.Null);
        await server.StartAsync();
        return new Bench { Db = db, Service = service, Server = server, Ca = ca, Dir = dir };
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Db.Dispose();
        Ca.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, true);
    }
}
