using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Bench.Registry;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Registry;

// Loopback load on the real registry: the `vifibnet registry` program in a process of its own (so its
// CPU and RSS are read from /proc/PID), this process as the load generator.
//
//   BENCH_BINARIES  label=path[,label=path...]  vifibnet programs to compare; runs are interleaved
//                   (default: this repo's Release build of src/Vifibnet.Cli)
//   BENCH_RUNS      runs of every phase per program (default 3); figures are the medians
//   BENCH_SECONDS   length of the time-bounded phases (ca, issuance; default 5)
//   BENCH_SIGNED    signed requests per signed phase (default 16000; the 1-client peer list gets half)
//   BENCH_SOAK_SECONDS  instead of the phases: signed load for this long on each program, RSS sampled
//   BENCH_SOAK_RATE     the soak's requests per second (default: as fast as two signing clients go)
//   BENCH_PHASES    which phases: signed, issue or both (default signed,issue)
//
// Signed requests are signed BEFORE the timed part (on every core, while the registry idles) and
// sent once each, so the load generator's RSA signing is not what is measured; its remaining CPU per
// request (HTTP only) is reported as client µs/req. The soak signs as it goes, on its own threads.
// Server CPU is the whole process's; "JIT" is the part of it spent by the tier-1 JIT thread, which a
// registry process a few seconds old is still busy with and a long-running one is not.
var runs = Env("BENCH_RUNS", 3);
var phase = TimeSpan.FromSeconds(Env("BENCH_SECONDS", 5));
var signed = Env("BENCH_SIGNED", 16000);
var soak = Env("BENCH_SOAK_SECONDS", 0);
var soakRate = Env("BENCH_SOAK_RATE", 0); // signed requests per second in the soak; 0: as fast as it goes
var selected = (Environment.GetEnvironmentVariable("BENCH_PHASES") ?? "signed,issue").Split(',', StringSplitOptions.TrimEntries);
const int Peers = 10_000, Stored = 100_000, IssuePrefixLength = 20, Tokens = 40_000;
var network = NetworkPrefix.Parse("2001:db8:42::/48");
var binaries = (Environment.GetEnvironmentVariable("BENCH_BINARIES") ?? $"current={DefaultBinary()}")
    .Split(',', StringSplitOptions.RemoveEmptyEntries)
    .Select(b => b.Split('=', 2)).Select(b => (Label: b[0], Path: b[1])).ToList();
foreach (var (label, path) in binaries)
    if (!File.Exists(path)) throw new FileNotFoundException($"{label}: no vifibnet program at {path} (dotnet build src/Vifibnet.Cli -c Release)");

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8, UseProxy = false });
var work = Directory.CreateTempSubdirectory("vifibnet-bench-registry-").FullName;
try
{
    Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores");
    var clock = Stopwatch.StartNew();
    using var nodeKey = RSA.Create(2048);
    var csr = new CertificateRequest("CN=bench,O=Bench", nodeKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
    var (peersTemplate, nodeCertPem) = MakePeersTemplate(Path.Combine(work, "peers"), binaries[0].Path, csr);
    using var nodeCert = X509Certificate2.CreateFromPem(nodeCertPem);
    var tokens = Enumerable.Range(0, Tokens).Select(_ => TokenStore.NewToken()).ToArray();
    var emptyTemplate = MakeIssueTemplate(Path.Combine(work, "empty"), binaries[0].Path, 0, tokens);
    var storedTemplate = MakeIssueTemplate(Path.Combine(work, "stored"), binaries[0].Path, Stored, tokens);
    Console.WriteLine($"templates ready in {clock.Elapsed.TotalSeconds:0} s (10,000 peers; empty DB; {Stored:N0} certificates stored at /{IssuePrefixLength})");

    if (soak > 0)
    {
        var soaked = new List<object>();
        foreach (var (label, path) in binaries)
            soaked.Add(await SoakAsync(label, path, peersTemplate, nodeCert, nodeKey, TimeSpan.FromSeconds(soak)));
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "registry-soak", seconds = soak, results = soaked }));
        return;
    }

    var figures = binaries.ToDictionary(b => b.Label, _ => new List<LoadFigures>());
    var loads = new List<double>();
    for (var run = 1; run <= runs; run++)
        foreach (var (label, path) in binaries)
        {
            loads.Add(ProcStat.LoadAverage());
            Console.WriteLine($"--- run {run}/{runs}: {label} (load average {loads[^1]:0.00})");
            if (selected.Contains("signed"))
                foreach (var f in await SignedPhasesAsync(path, peersTemplate, nodeCert, nodeKey))
                    Report(label, f);
            if (!selected.Contains("issue")) continue;
            Report(label, await IssuePhaseAsync(path, emptyTemplate, "certs(empty DB)", csr, tokens));
            Report(label, await IssuePhaseAsync(path, storedTemplate, $"certs({Stored / 1000}k stored)", csr, tokens));
        }

    Console.WriteLine($"=== medians of {runs} runs (load average {loads.Min():0.00}..{loads.Max():0.00} over the runs; 2 cores shared)");
    var summary = new Dictionary<string, object>();
    foreach (var (label, list) in figures)
    {
        var phases = new Dictionary<string, object>();
        foreach (var group in list.GroupBy(f => f.Clients > 0 ? $"{f.Name} {f.Clients}cl" : f.Name))
        {
            var m = new LoadFigures(group.First().Name, group.First().Clients, (int)Median(group, f => f.Requests), Median(group, f => f.Seconds),
                Median(group, f => f.P50Ms), Median(group, f => f.P99Ms), Median(group, f => f.ServerCpuUsPerRequest),
                Median(group, f => f.ClientCpuUsPerRequest), Median(group, f => f.ServerRssMb), Median(group, f => f.ServerJitUsPerRequest));
            var rps = Median(group, f => f.PerSecond);
            Console.WriteLine($"{label,-8} {m} (median {rps:0} req/s)");
            phases[group.Key] = new
            {
                clients = m.Clients, rps = Math.Round(rps), p50_ms = Math.Round(m.P50Ms, 2), p99_ms = Math.Round(m.P99Ms, 2),
                server_cpu_us = Math.Round(m.ServerCpuUsPerRequest, 1), server_jit_us = Math.Round(m.ServerJitUsPerRequest, 1), client_cpu_us = Math.Round(m.ClientCpuUsPerRequest, 1), rss_mb = Math.Round(m.ServerRssMb, 1),
            };
        }
        summary[label] = phases;
    }
    Console.WriteLine(JsonSerializer.Serialize(new { bench = "registry", runs, cores = Environment.ProcessorCount, load_min = loads.Min(), load_max = loads.Max(), results = summary }));

    void Report(string label, LoadFigures f)
    {
        figures[label].Add(f);
        Console.WriteLine($"{label,-8} {f}");
    }
}
finally
{
    Directory.Delete(work, true);
}

// The node calls and peer lists against a copy of the 10,000-peer DB: RSS at rest, then signed load.
async Task<List<LoadFigures>> SignedPhasesAsync(string program, string template, X509Certificate2 cert, RSA key)
{
    await using var registry = await RegistryProcess.StartAsync(program, template, IssuePrefixLength);
    await Task.Delay(TimeSpan.FromSeconds(3)); // at rest: started, JIT of the start-up path done, nothing served
    var rest = ProcStat.RssMb(registry.Pid);
    var result = new List<LoadFigures>
    {
        new("rss at rest", 0, 0, 1, 0, 0, 0, 0, rest),
        new("rss at rest: anon", 0, 0, 1, 0, 0, 0, 0, ProcStat.RssMb(registry.Pid, "RssAnon")),
        new("rss at rest: file", 0, 0, 1, 0, 0, 0, 0, ProcStat.RssMb(registry.Pid, "RssFile")),
        new("rss at rest: shmem (JIT)", 0, 0, 1, 0, 0, 0, 0, ProcStat.RssMb(registry.Pid, "RssShmem")),
        await LoadRun.RunAsync("ca", registry.Pid, 4, int.MaxValue, phase, async _ =>
        {
            using var response = await http.GetAsync(new Uri(registry.Uri, "v1/ca"));
            response.EnsureSuccessStatusCode();
        }),
    };
    await Warm(registry, cert, key);
    result.Add(await SignedAsync(registry, "node call(private-address)", "/v1/private-address", 4, signed, cert, key, async r =>
    {
        using var response = await http.SendAsync(r);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"private-address: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }));
    foreach (var clients in new[] { 1, 4 })
        result.Add(await SignedAsync(registry, "peers(n=20, 10k peers)", "/v1/peers?n=20", clients, clients == 1 ? signed / 2 : signed, cert, key, async r =>
        {
            using var response = await http.SendAsync(r);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"peers: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var list = await response.Content.ReadFromJsonAsync<PeerListResponse>(RegistryJson.Options);
            if (list!.Peers.Count != 20) throw new InvalidOperationException($"got {list.Peers.Count} peers");
        }));
    result.Add(new("rss after signed load", 0, 0, 1, 0, 0, 0, 0, ProcStat.RssMb(registry.Pid)));
    result.Add(new("rss after signed load: anon", 0, 0, 1, 0, 0, 0, 0, ProcStat.RssMb(registry.Pid, "RssAnon")));
    result.Add(new("rss after signed load: file", 0, 0, 1, 0, 0, 0, 0, ProcStat.RssMb(registry.Pid, "RssFile")));
    result.Add(new("rss after signed load: shmem (JIT)", 0, 0, 1, 0, 0, 0, 0, ProcStat.RssMb(registry.Pid, "RssShmem")));
    return result;
}

async Task Warm(RegistryProcess registry, X509Certificate2 cert, RSA key)
{
    foreach (var path in new[] { "/v1/private-address", "/v1/peers?n=20" })
        for (var i = 0; i < 200; i++)
        {
            using var request = Signed(registry, path, PreSign(path, cert, key, 1)[0]);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
}

async Task<LoadFigures> SignedAsync(RegistryProcess registry, string name, string path, int clients, int count, X509Certificate2 cert, RSA key, Func<HttpRequestMessage, Task> send)
{
    var headers = PreSign(path, cert, key, count);
    return await LoadRun.RunAsync(name, registry.Pid, clients, count, TimeSpan.FromMinutes(5), async i =>
    {
        using var request = Signed(registry, path, headers[i]);
        await send(request);
    });
}

// Every core signs, before the clock starts: ~4,000 RSA-2048 signatures per second per core here.
static (string Certificate, string Timestamp, string Nonce, string Signature)[] PreSign(string path, X509Certificate2 cert, RSA key, int count)
{
    var signedHeaders = new (string, string, string, string)[count];
    var now = DateTimeOffset.UtcNow;
    Parallel.For(0, count, i => signedHeaders[i] = NodeRequestSignature.Sign(cert, key, "GET", path, [], now));
    return signedHeaders;
}

static HttpRequestMessage Signed(RegistryProcess registry, string path, (string Certificate, string Timestamp, string Nonce, string Signature) h)
{
    var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.Uri, path));
    request.Headers.Add(NodeRequestSignature.CertificateHeader, h.Certificate);
    request.Headers.Add(NodeRequestSignature.TimestampHeader, h.Timestamp);
    request.Headers.Add(NodeRequestSignature.NonceHeader, h.Nonce);
    request.Headers.Add(NodeRequestSignature.SignatureHeader, h.Signature);
    return request;
}

// Certificates per second from 4 clients, tokens pre-made in the DB; the same CSR (the registry signs each anew).
async Task<LoadFigures> IssuePhaseAsync(string program, string template, string name, string csr, string[] tokens)
{
    await using var registry = await RegistryProcess.StartAsync(program, template, IssuePrefixLength);
    var uri = new Uri(registry.Uri, "v1/certificates");
    var next = 0;
    async Task Issue(int _)
    {
        var body = JsonSerializer.Serialize(new CertificateRequestMessage(tokens[Interlocked.Increment(ref next)], csr), RegistryJson.Options);
        using var response = await http.PostAsync(uri, new StringContent(body, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"certificates: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
    for (var i = 0; i < 100; i++) await Issue(i);
    return await LoadRun.RunAsync(name, registry.Pid, 4, tokens.Length - 200, phase, Issue);
}

// Signed peer lists for a long time, signing as it goes on 2 threads, RSS sampled every 30 s.
async Task<object> SoakAsync(string label, string program, string template, X509Certificate2 cert, RSA key, TimeSpan length)
{
    await using var registry = await RegistryProcess.StartAsync(program, template, IssuePrefixLength);
    await Task.Delay(TimeSpan.FromSeconds(3));
    var rest = ProcStat.RssMb(registry.Pid);
    var clock = Stopwatch.StartNew();
    var sent = 0L;
    var samples = new List<double>();
    var load = Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
    {
        while (clock.Elapsed < length)
        {
            if (soakRate > 0 && Interlocked.Read(ref sent) > soakRate * clock.Elapsed.TotalSeconds)
            {
                await Task.Delay(5);
                continue;
            }
            using var request = Signed(registry, "/v1/peers?n=20", PreSign("/v1/peers?n=20", cert, key, 1)[0]);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref sent);
        }
    })));
    while (!load.IsCompleted)
    {
        await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(30)));
        samples.Add(ProcStat.RssMb(registry.Pid));
        Console.WriteLine($"{label}: {clock.Elapsed.TotalSeconds,4:0} s {Interlocked.Read(ref sent),8} signed requests, RSS {samples[^1]:0.0} MB (anon {ProcStat.RssMb(registry.Pid, "RssAnon"):0.0}, file {ProcStat.RssMb(registry.Pid, "RssFile"):0.0}, JIT code {ProcStat.RssMb(registry.Pid, "RssShmem"):0.0}; load average {ProcStat.LoadAverage():0.00})");
    }
    await load;
    return new { label, rate = soakRate, requests = sent, rss_rest_mb = Math.Round(rest, 1), rss_end_mb = Math.Round(samples[^1], 1), rss_max_mb = Math.Round(samples.Max(), 1), rss_anon_end_mb = Math.Round(ProcStat.RssMb(registry.Pid, "RssAnon"), 1), rss_file_end_mb = Math.Round(ProcStat.RssMb(registry.Pid, "RssFile"), 1), rss_shmem_end_mb = Math.Round(ProcStat.RssMb(registry.Pid, "RssShmem"), 1) };
}

// A network made by the program itself, 10,000 declared peers and one node certificate (issued by the service, recorded).
(string Dir, string CertPem) MakePeersTemplate(string dir, string program, string csr)
{
    NewRegistry(program, dir);
    using var ca = CertificateAuthority.Load(Path.Combine(dir, "ca.crt"), Path.Combine(dir, "ca.key"));
    using var db = new RegistryDb(Path.Combine(dir, "registry.db"));
    db.Write((c, t) =>
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= Peers; i++)
            PeerTable.Declare(c, t, Convert.ToString(i, 2).PadLeft(IssuePrefixLength, '0'), $"198.51.100.{i % 250 + 1},1194,udp", now);
    });
    var service = new RegistryService(new RegistryOptions { PrefixLength = IssuePrefixLength }, db, ca, Logger.Null);
    var pem = service.IssueCertificate(new CertificateRequestMessage(AdminTokens.Create(db.Path, null).Token, csr)).Certificate;
    return (dir, pem);
}

// A network with `stored` certificates already issued at /20 (the prefix tree, a certificate and a spent token each) and unspent tokens.
string MakeIssueTemplate(string dir, string program, int stored, string[] unspent)
{
    NewRegistry(program, dir);
    using var db = new RegistryDb(Path.Combine(dir, "registry.db"));
    var filler = new string('C', 1100); // the size of a node certificate's PEM
    db.Write((c, t) =>
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < stored; i++)
        {
            var prefix = PrefixAllocator.Allocate(c, t, IssuePrefixLength);
            PrefixAllocator.RecordCertificate(c, t, prefix, null, filler, now);
            var spent = TokenStore.NewToken();
            TokenStore.Add(c, t, spent, null, now, now.AddDays(1));
            TokenStore.Spend(c, t, spent, now);
        }
        foreach (var token in unspent) TokenStore.Add(c, t, token, null, now, now.AddDays(1));
    });
    return dir;
}

static void NewRegistry(string program, string dir)
{
    using var process = Process.Start(new ProcessStartInfo(program, ["new-registry", "--dir", dir, "--network", "2001:db8:42::/48"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"new-registry failed: {process.StandardError.ReadToEnd()}");
}

static int Env(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;

static double Median(IEnumerable<LoadFigures> group, Func<LoadFigures, double> value)
{
    var sorted = group.Select(value).Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string DefaultBinary() => Path.Combine(ServiceUnit.RepoRoot(), "src", "Vifibnet.Cli", "bin", "Release", "net10.0", "vifibnet");

/// <summary>
/// The environment the packaged service unit gives the registry (its Environment= lines: the GC's settings),
/// given to every registry the bench starts so that it measures the registry as deployed; BENCH_UNIT_ENV=0: none.
/// </summary>
static class ServiceUnit
{
    public static readonly IReadOnlyList<(string Name, string Value)> Environment = Read();

    static List<(string, string)> Read()
    {
        if (System.Environment.GetEnvironmentVariable("BENCH_UNIT_ENV") == "0") return [];
        var unit = Path.Combine(RepoRoot(), "packaging", "systemd", "vifibnet-registry.service");
        var settings = File.ReadLines(unit)
            .Where(line => line.StartsWith("Environment=", StringComparison.Ordinal))
            .SelectMany(line => line["Environment=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(setting => setting.Split('=', 2)).Select(pair => (pair[0], pair[1])).ToList();
        Console.WriteLine($"registry environment from {unit}: {(settings.Count == 0 ? "none" : string.Join(" ", settings.Select(s => $"{s.Item1}={s.Item2}")))}");
        return settings;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Vifibnet.slnx"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository, or set BENCH_BINARIES");
    }
}

/// <summary>`vifibnet registry` on a copy of a template network (default verbosity, -v 1), on a free loopback port; killed on dispose.</summary>
sealed class RegistryProcess : IAsyncDisposable
{
    readonly Process process;
    readonly string dir;
    public Uri Uri { get; }
    public int Pid => process.Id;

    RegistryProcess(Process process, string dir, int port)
    {
        this.process = process;
        this.dir = dir;
        Uri = new Uri($"http://127.0.0.1:{port}/");
    }

    public static async Task<RegistryProcess> StartAsync(string program, string template, int prefixLength)
    {
        var dir = template + "-run";
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        foreach (var file in new[] { "ca.crt", "ca.key", "registry.db" })
            File.Copy(Path.Combine(template, file), Path.Combine(dir, file));
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var info = new ProcessStartInfo(program, ["registry", port.ToString(CultureInfo.InvariantCulture), "--db", Path.Combine(dir, "registry.db"),
            "--ca", Path.Combine(dir, "ca.crt"), "--key", Path.Combine(dir, "ca.key"), "--prefix-length", prefixLength.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir }; // as a service unit would
        foreach (var (name, value) in ServiceUnit.Environment) info.Environment[name] = value;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new RegistryProcess(process, dir, port);
        using var http = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100))
        {
            if (process.HasExited) throw new InvalidOperationException($"{program} registry exited with {process.ExitCode}");
            try
            {
                using var response = await http.GetAsync(new Uri(registry.Uri, "v1/ca"));
                if (response.IsSuccessStatusCode) return registry;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(dir, true);
    }
}
