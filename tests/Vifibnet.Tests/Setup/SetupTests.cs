using System.Security.Cryptography.X509Certificates;
using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Setup;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Setup;

/// <summary>Joining a network against the real registry (Kestrel, SQLite file) on loopback; files checked with openssl.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SetupTests
{
    internal static readonly PeerEntry Boot = new("0000000000000111", "198.51.100.9,1194,udp");

    /// <summary>The bootstrap peer as the node's peer DB holds it.</summary>
    internal static readonly Peer BootPeer = new(Boot.Prefix, Boot.Address);
    internal static RegistryOptions WithBootstrap => new() { BootstrapPeers = [Boot] };

    internal static Task<SetupResult> Run(SetupOptions options, ISetupPrompt? prompt = null) =>
        new NodeSetup(Logger.Null).RunAsync(options, prompt);

    internal static void AssertOpensslAccepts(string dir)
    {
        var openssl = Requires.Tool("openssl", "openssl");
        var verify = CliRun.Tool(openssl, "verify", "-CAfile", Path.Combine(dir, "ca.pem"), Path.Combine(dir, "cert.crt"));
        Assert.True(verify.Code == 0, verify.Output);
        var check = CliRun.Tool(openssl, "rsa", "-in", Path.Combine(dir, "cert.key"), "-check", "-noout");
        Assert.True(check.Code == 0 && check.Output.Contains("RSA key ok"), check.Output);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task FullRegistrationWithAnAdminToken(string server)
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        var node = dir.File("node");
        var result = await Run(new SetupOptions(server, registry.Server.Port, node) { Token = registry.AdminToken() });

        Assert.Equal(SetupStage.Complete, result.Stage);
        Assert.Equal("2001:db8:42::/48", result.Network.ToString());
        Assert.Equal("0/16", result.Prefix!.Value.ToCommonName());
        Assert.Equal("2001:db8:42::1", result.NodeAddress!.ToString());
        Assert.True(result.CertificateExpires > DateTimeOffset.UtcNow.AddDays(300));
        Assert.Equal(["ca.pem", "cert.key", "cert.crt", "peers.db"], result.Actions.Select(a => a[..a.IndexOf(':')]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(node, "cert.key")));
        Assert.False(File.Exists(Path.Combine(node, "dh2048.pem")));
        Assert.Equal(["ca.pem", "cert.crt", "cert.key", "peers.db"], Directory.GetFiles(node).Select(Path.GetFileName).Order());
        AssertOpensslAccepts(node);

        using var peers = PeerDb.Open(Path.Combine(node, "peers.db"));
        Assert.Equal([BootPeer], peers.Unused());
        var identity = new NodeFiles(node).ReadIdentity();
        Assert.Equal(result.NodeAddress, identity.Address);
    }

    [Fact]
    public async Task TheBootstrapPeerArrivesSealedToOurKeyAndIsDecryptedIntoPeersDb()
    {
        await using var registry = await TestRegistry.StartAsync(); // no --bootstrap: a random declared peer
        using var otherKeys = new NodeKeys();
        using var otherCert = await registry.RegisterAsync(otherKeys);
        using (var other = registry.Client("127.0.0.1", otherCert, otherKeys))
            await other.DeclareAsync("203.0.113.20,1194,udp;203.0.113.20,443,tcp-server");
        using var dir = new TempDir();
        var result = await Run(new SetupOptions("::1", registry.Server.Port, dir.Path) { Token = registry.AdminToken() });
        Assert.Contains(result.Actions, a => a.StartsWith("peers.db: created with bootstrap peer 0000000000000000", StringComparison.Ordinal));
        using var peers = PeerDb.Open(Path.Combine(dir.Path, "peers.db"));
        Assert.Equal([new Peer("0000000000000000", "203.0.113.20,1194,udp;203.0.113.20,443,tcp-server")], peers.Unused());
        // What travelled was sealed: the registry's debug log shows the request, never the peer's address in clear.
        Assert.DoesNotContain(registry.Log, r => r.Message.Contains("203.0.113.20") && r.Message.Contains("bootstrap"));
    }

    [Fact]
    public async Task RegistrationThroughTheRealSmtpServer()
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(WithBootstrap with { MailHost = smtp.HostAndPort });
        using var dir = new TempDir();
        var prompt = new ScriptedPrompt("carol@example.com", () => smtp.WaitForToken("carol@example.com", TimeSpan.FromSeconds(10)));
        var result = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path), prompt);
        Assert.Equal(SetupStage.Complete, result.Stage);
        Assert.Equal(1, prompt.EmailAsked);
        Assert.Equal([null], prompt.Problems);
        AssertOpensslAccepts(dir.Path);
    }

    [Fact]
    public async Task WithEmailGivenOnlyTheTokenIsAskedFor()
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(WithBootstrap with { MailHost = smtp.HostAndPort });
        using var dir = new TempDir();
        var prompt = new ScriptedPrompt(null, () => smtp.WaitForToken("dave@example.com", TimeSpan.FromSeconds(10)));
        await Run(new SetupOptions("::1", registry.Server.Port, dir.Path) { Email = "dave@example.com" }, prompt);
        Assert.Equal(0, prompt.EmailAsked);
        AssertOpensslAccepts(dir.Path);
    }

    [Fact]
    public async Task CaOnlyStopsAfterTheCa()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        var result = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { CaOnly = true });
        Assert.Equal(SetupStage.CaOnly, result.Stage);
        Assert.Equal(["ca.pem"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal((await registry.Client().GetCaAsync()).Trim(), File.ReadAllText(dir.File("ca.pem")).Trim());
    }

    [Fact]
    public async Task DbOnlyRebuildsThePeersDbWithTheExistingCertificate()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken(), NoBoot = true });
        var cert = File.ReadAllText(dir.File("cert.crt"));
        File.Delete(dir.File("peers.db"));
        var result = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { DbOnly = true });
        Assert.Equal(SetupStage.DbOnly, result.Stage);
        Assert.Equal(cert, File.ReadAllText(dir.File("cert.crt")));
        using var peers = PeerDb.Open(dir.File("peers.db"));
        Assert.Equal([BootPeer], peers.Unused());
    }

    [Fact]
    public async Task DbOnlyInAFreshDirectoryNeedsNoBootOrACertificate()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { DbOnly = true }));
        Assert.Equal(SetupErrorKind.InvalidOption, error.Kind);
        Assert.Contains("--no-boot", error.Message);
        Assert.False(File.Exists(dir.File("peers.db")));

        var result = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { DbOnly = true, NoBoot = true });
        Assert.Equal(["ca.pem", "peers.db"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal(SetupStage.DbOnly, result.Stage);
        using var peers = PeerDb.Open(dir.File("peers.db"));
        Assert.Equal(0, peers.Count);
    }

    [Fact]
    public async Task NoBootLeavesThePeersDbEmpty()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken(), NoBoot = true });
        using var peers = PeerDb.Open(dir.File("peers.db"));
        Assert.Equal(0, peers.Count);
        AssertOpensslAccepts(dir.Path);
    }

    [Fact]
    public async Task RequestAttributesEndUpInTheCertificateSubject()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path)
        {
            Token = registry.AdminToken(),
            Attributes = [new("O", "Example"), new("C", "FR"), new("OU", "Lab")],
        });
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(dir.File("cert.crt")));
        Assert.Contains("O=Example", cert.Subject);
        Assert.Contains("C=FR", cert.Subject);
        Assert.Contains("OU=Lab", cert.Subject);
        Assert.Equal("0/16", cert.GetNameInfo(X509NameType.SimpleName, false));
    }

    [Fact]
    public async Task DhFileOnlyWhenAskedAndInstantly()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        var result = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken(), WriteDh = true });
        Assert.Equal(dir.File("dh2048.pem"), result.DhPath);
        var check = CliRun.Tool(Requires.Tool("openssl", "openssl"), "dhparam", "-in", dir.File("dh2048.pem"), "-check", "-noout");
        Assert.True(check.Code == 0, check.Output);
    }

    [Fact]
    public async Task ARerunReusesTheKeyCertificateAndPeersDb()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken() });
        var before = Directory.GetFiles(dir.Path).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        using (var peers = PeerDb.Open(dir.File("peers.db")))
            peers.AddOrUpdate(new Peer("0000000000001000", "203.0.113.1,1194,udp"));
        var peersBytes = File.ReadAllBytes(dir.File("peers.db"));

        // No token and nobody to ask: it can only succeed by reusing what is there.
        var again = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path));
        Assert.Equal(["ca.pem: unchanged", "cert.key: kept (valid RSA 2048 key)"], again.Actions.Take(2));
        Assert.StartsWith("cert.crt: kept", again.Actions[2]);
        Assert.StartsWith("peers.db: kept", again.Actions[3]);
        Assert.Equal(before["cert.key"], File.ReadAllBytes(dir.File("cert.key")));
        Assert.Equal(before["cert.crt"], File.ReadAllBytes(dir.File("cert.crt")));
        Assert.Equal(peersBytes, File.ReadAllBytes(dir.File("peers.db")));
    }

    [Fact]
    public async Task AKeptKeyReadableByOthersIsMadePrivateAgain()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken(), NoBoot = true });
        File.SetUnixFileMode(dir.File("cert.key"), (UnixFileMode)Convert.ToInt32("644", 8));
        var again = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { NoBoot = true });
        Assert.Equal("cert.key: kept (valid RSA 2048 key); it was readable by others (mode 644): now 0600", again.Actions[1]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("cert.key")));
    }

    [Fact]
    public async Task AKeptKeyGetsANewCertificateWhenTheOldOneIsNotValid()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken() });
        var key = File.ReadAllBytes(dir.File("cert.key"));
        File.WriteAllText(dir.File("cert.crt"), "damaged");
        var again = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken() });
        Assert.Equal(key, File.ReadAllBytes(dir.File("cert.key")));
        Assert.Equal("damaged", File.ReadAllText(dir.File("cert.crt.bak")));
        Assert.Equal("1/16", again.Prefix!.Value.ToCommonName());
        AssertOpensslAccepts(dir.Path);
    }
}
