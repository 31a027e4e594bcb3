using System.Net;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;
using Vifibnet.Protocol;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

/// <summary>`vifibnet new-registry`, `token` and `registry`: in-process with captured output, and as the real program.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class RegistryCliTests
{
    [Fact]
    public async Task NewRegistryWritesTheNetworkAndRefusesToOverwriteIt()
    {
        using var dir = new TempDir();
        var net = dir.File("net");
        var made = await CliRun.RunAsync("new-registry", "--dir", net, "--network", "2001:db8:42::/48");
        Assert.Equal(0, made.Code);
        Assert.Contains("0x120010db80042", made.Out);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(net, "ca.key")));
        var (code, serial) = CliRun.Tool("openssl", "x509", "-in", Path.Combine(net, "ca.crt"), "-noout", "-serial");
        Assert.Equal(0, code);
        Assert.Equal("serial=0120010DB80042", serial.Trim());
        Assert.True(File.Exists(Path.Combine(net, "registry.db")));

        var caBefore = File.ReadAllText(Path.Combine(net, "ca.crt"));
        var refused = await CliRun.RunAsync("new-registry", "--dir", net, "--network", "2001:db8:43::/48");
        Assert.Equal(1, refused.Code);
        Assert.Contains("--force", refused.Error);
        Assert.Equal(caBefore, File.ReadAllText(Path.Combine(net, "ca.crt")));

        var forced = await CliRun.RunAsync("new-registry", "--dir", net, "--network", "2001:db8:43::/48", "--force");
        Assert.Equal(0, forced.Code);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(net, "ca.crt")));
        Assert.Equal("2001:db8:43::/48", CertificateAuthority.NetworkPrefixOf(ca).ToString());
        Assert.Empty(Directory.GetFiles(net, "*.new-*"));
    }

    [Theory]
    [InlineData("2001:db8:42::1/48", "bits set after")]
    [InlineData("198.51.100.0/24", "not an IPv6 address")]
    [InlineData("2001:db8::/120", "--network: network prefix 2001:db8::/120 is too long")]
    public async Task NewRegistryRejectsABadNetworkAsUsage(string network, string message)
    {
        using var dir = new TempDir();
        var result = await CliRun.RunAsync("new-registry", "--dir", dir.Path, "--network", network);
        Assert.Equal(2, result.Code);
        Assert.Contains(message, result.Error);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task TokenPrintsOneUsableToken()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await CliRun.RunAsync("new-registry", "--dir", dir.Path, "--network", "2001:db8:42::/48")).Code);
        var result = await CliRun.RunAsync("token", "--db", dir.File("registry.db"), "--email", "ops@example.com");
        Assert.Equal(0, result.Code);
        Assert.Matches("^[A-Z2-7]{32}\n$", result.Out);
        var missing = await CliRun.RunAsync("token", "--db", dir.File("missing.db"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("missing.db", missing.Error);
        Assert.Equal(2, (await CliRun.RunAsync("token")).Code);
    }

    [Fact]
    public async Task RegistryNamesAMissingOrUnreadableCaFile()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await CliRun.RunAsync("new-registry", "--dir", dir.Path, "--network", "2001:db8:42::/48")).Code);
        var missing = await CliRun.RunAsync("registry", "0", "--db", dir.File("registry.db"), "--ca", dir.File("nope.crt"), "--key", dir.File("ca.key"));
        Assert.Equal(1, missing.Code);
        Assert.Contains("nope.crt", missing.Error);
        Directory.CreateDirectory(dir.File("keydir"));
        var unreadable = await CliRun.RunAsync("registry", "0", "--db", dir.File("registry.db"), "--ca", dir.File("ca.crt"), "--key", dir.File("keydir"));
        Assert.Equal(1, unreadable.Code);
        Assert.Contains("cannot read CA key", unreadable.Error);
        File.WriteAllText(dir.File("garbage.key"), "not a key");
        var garbage = await CliRun.RunAsync("registry", "0", "--db", dir.File("registry.db"), "--ca", dir.File("ca.crt"), "--key", dir.File("garbage.key"));
        Assert.Equal(1, garbage.Code);
        Assert.Contains("garbage.key", garbage.Error);
        var usage = await CliRun.RunAsync("registry", "0", "--db", dir.File("registry.db"), "--ca", dir.File("ca.crt"), "--key", dir.File("ca.key"), "--bootstrap", "01", "198.51.100.1", "1194");
        Assert.Equal(2, usage.Code);
        var shortPrefix = await CliRun.RunAsync("registry", "0", "--db", dir.File("registry.db"), "--ca", dir.File("ca.crt"), "--key", dir.File("ca.key"), "--bootstrap", "01", "198.51.100.1", "1194", "udp");
        Assert.Equal(2, shortPrefix.Code); // the seed: "in binary and with correct length"
        Assert.Contains("--bootstrap 01: a node prefix here is 16 binary digits", shortPrefix.Error);
    }

    [Fact]
    public async Task APortInUseIsNamed()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await CliRun.RunAsync("new-registry", "--dir", dir.Path, "--network", "2001:db8:42::/48")).Code);
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.IPv6Any, 0);
        squatter.Server.DualMode = true;
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = await CliRun.RunAsync("registry", port, "--db", dir.File("registry.db"), "--ca", dir.File("ca.crt"), "--key", dir.File("ca.key"));
        Assert.Equal(1, result.Code);
        Assert.Contains(port, result.Error);
        Assert.Contains("cannot listen", result.Error);
    }

    [Fact]
    public async Task ServesAHandMadeOpensslCaUntilSigterm()
    {
        var openssl = Requires.Tool("openssl", "openssl");
        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Tool(openssl, "genrsa", "-out", dir.File("ca.key"), "2048").Code);
        // The seed's command, verbatim but for -subj (which makes it non-interactive).
        var req = CliRun.Tool(openssl, "req", "-nodes", "-new", "-x509", "-key", dir.File("ca.key"), "-set_serial", "0x120010db80042",
            "-days", "365", "-out", dir.File("ca.crt"), "-subj", "/CN=Hand-made CA");
        Assert.True(req.Code == 0, req.Output);

        using var registry = new CliRun.Process(["registry", "0", "--db", ":memory:", "--ca", dir.File("ca.crt"), "--key", dir.File("ca.key"),
            "--private", "2001:db8:42::1", "-v", "2"]);
        var port = int.Parse(registry.WaitFor(@"registry for 2001:db8:42::/48 listening on port (\d+)", TimeSpan.FromSeconds(30)).Groups[1].Value);

        foreach (var host in new[] { "127.0.0.1", "::1" })
        {
            using var client = new HttpRegistryClient(HttpRegistryClient.UriFor(host, port));
            Assert.Equal(File.ReadAllText(dir.File("ca.crt")).Trim(), (await client.GetCaAsync()).Trim());
        }
        var db = registry.WaitFor(@"temporary DB (\S+)", TimeSpan.FromSeconds(5)).Groups[1].Value;
        var token = (await CliRun.RunAsync("token", "--db", db)).Out.Trim();
        using var keys = new NodeKeys();
        using (var client = new HttpRegistryClient(HttpRegistryClient.UriFor("::1", port)))
            File.WriteAllText(dir.File("cert.crt"), await client.RequestCertificateAsync(token, keys.Csr()));
        var verify = CliRun.Tool(openssl, "verify", "-CAfile", dir.File("ca.crt"), dir.File("cert.crt"));
        Assert.True(verify.Code == 0, verify.Output);
        registry.WaitFor(@"GET /v1/ca -> 200", TimeSpan.FromSeconds(5)); // each request logged at debug

        await registry.Child.StopAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await registry.Child.Exited);
        Assert.Contains("registry stopped", registry.Output);
        Assert.False(File.Exists(db), "the temporary DB is removed when the registry stops");
    }
}
