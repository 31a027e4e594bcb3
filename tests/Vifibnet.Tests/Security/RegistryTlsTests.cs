using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;
using Vifibnet.Node;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Security;

/// <summary>
/// The rest of finding 6 of issue 11: tokens travelled in clear. The real `vifibnet registry --tls` serves
/// HTTPS with a certificate from the network's CA; the real `vifibnet setup --tls` checks it against the
/// pinned CA fingerprint and the node's client against its ca.pem. Attacked: another network's registry,
/// a member node presenting its own (same-CA) certificate, and a plain-HTTP registry — each refused at the
/// handshake, before any token is sent, with nothing written.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryTlsTests
{
    sealed record Network(string Dir, string Db, string Pin)
    {
        public string[] Serve(params string[] more) =>
            ["registry", "0", "--db", Db, "--ca", Path.Combine(Dir, "ca.crt"), "--key", Path.Combine(Dir, "ca.key"), .. more];
    }

    static Network NewNetwork(TempDir dir, string name, string prefix)
    {
        var net = dir.File(name);
        var made = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "new-registry", "--dir", net, "--network", prefix]);
        Assert.True(made.Code == 0, made.Output);
        using var ca = CertificateAuthority.Load(Path.Combine(net, "ca.crt"), Path.Combine(net, "ca.key"));
        return new Network(net, Path.Combine(net, "registry.db"), CertificateFingerprint.Of(ca.Certificate));
    }

    static int PortOf(CliRun.Process registry) =>
        int.Parse(registry.WaitFor(@"listening on port (\d+)", TimeSpan.FromSeconds(30)).Groups[1].Value, CultureInfo.InvariantCulture);

    static (int Code, string Output) Setup(int port, string dir, string token, params string[] more) =>
        CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "setup", "--server", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "-d", dir, "--no-boot", "--token", token, .. more]);

    static bool Empty(string dir) => !Directory.Exists(dir) || !Directory.EnumerateFileSystemEntries(dir).Any();

    static bool Spent(Network network, string token)
    {
        using var db = new RegistryDb(network.Db);
        return db.Write((c, t) => TokenStore.Find(c, t, token)?.Spent ?? false);
    }

    [Fact]
    public async Task SetupAndTheNodeTalkTlsToTheirRegistryAndRefuseAnotherNetworksOne()
    {
        using var dir = new TempDir();
        var ours = NewNetwork(dir, "ours", "2001:db8:42::/48");
        var theirs = NewNetwork(dir, "theirs", "2001:db8:43::/48");
        using var ourRegistry = new CliRun.Process(ours.Serve("--tls"));
        using var theirRegistry = new CliRun.Process(theirs.Serve("--tls"));
        var (ourPort, theirPort) = (PortOf(ourRegistry), PortOf(theirRegistry));
        Assert.Contains("TLS only", ourRegistry.Output);

        // Another network's registry, over TLS, with the pin of ours: refused before the token is sent, nothing written.
        var token = AdminTokens.Create(theirs.Db, null).Token;
        var impostor = Setup(theirPort, dir.File("fooled"), token, "--tls", "--ca-fingerprint", ours.Pin);
        Assert.Equal(1, impostor.Code);
        Assert.Contains($"not the pinned {ours.Pin}", impostor.Output);
        Assert.True(Empty(dir.File("fooled")), "nothing is written for a registry that is not the pinned network's");
        Assert.False(Spent(theirs, token), "the token never reached the other registry");

        // Ours: the token goes over TLS and the node is registered.
        var node = dir.File("node");
        var joined = Setup(ourPort, node, AdminTokens.Create(ours.Db, null).Token, "--tls", "--ca-fingerprint", ours.Pin);
        Assert.True(joined.Code == 0, joined.Output + "\n" + ourRegistry.Output);
        Assert.Contains($"(registry https://127.0.0.1:{ourPort}/)", joined.Output);

        // The node's own client (what the daemon's --registry https://... uses): checked against its ca.pem.
        using (var client = NodeRegistry.Create(new Uri($"https://[::1]:{ourPort}/"), Path.Combine(node, "cert.crt"), Path.Combine(node, "cert.key"), Path.Combine(node, "ca.pem"))!)
        {
            await client.DeclareAsync("198.51.100.7,1194,udp");
            Assert.Empty(await client.GetPeerListAsync(5)); // only itself declared
        }
        using (var fooled = NodeRegistry.Create(new Uri($"https://127.0.0.1:{theirPort}/"), Path.Combine(node, "cert.crt"), Path.Combine(node, "cert.key"), Path.Combine(node, "ca.pem"))!)
        {
            var refused = await Assert.ThrowsAsync<RegistryCallException>(() => fooled.GetPeerListAsync(5));
            Assert.True(refused.TlsRefused, refused.Message);
            Assert.Contains("is not from this network's CA", refused.Message);
        }

        // --tls with nothing to check the registry against is refused before contacting it.
        var unpinned = Setup(ourPort, dir.File("unpinned"), AdminTokens.Create(ours.Db, null).Token, "--tls");
        Assert.Equal(1, unpinned.Code);
        Assert.Contains("needs the network's CA", unpinned.Output);
    }

    [Fact]
    public async Task ARegistryCertificateFromAnotherCaIsRefusedEvenWithOurCaOnItsPage()
    {
        using var dir = new TempDir();
        var ours = NewNetwork(dir, "ours", "2001:db8:42::/48");
        var theirs = NewNetwork(dir, "theirs", "2001:db8:43::/48");
        using var theirCa = CertificateAuthority.Load(Path.Combine(theirs.Dir, "ca.crt"), Path.Combine(theirs.Dir, "ca.key"));
        using var theirTls = RegistryTlsCertificate.Issue(theirCa, []).Certificate;
        var caPem = File.ReadAllText(Path.Combine(ours.Dir, "ca.crt"));
        var tokensSeen = 0;
        await using var impostor = await MisbehavingRegistry.StartAsync(
            () => new CaResponse(caPem, "2001:db8:42::/48"), // our CA, copied: it is public
            _ => { Interlocked.Increment(ref tokensSeen); return new { error = "internal", message = "kept your token" }; },
            tls: theirTls);
        var fooled = Setup(impostor.Port, dir.File("victim"), AdminTokens.Create(ours.Db, null).Token, "--tls", "--ca-fingerprint", ours.Pin);
        Assert.Equal(1, fooled.Code);
        Assert.Contains("is not from this network's CA", fooled.Output);
        Assert.Contains("no token was sent", fooled.Output);
        Assert.Equal(0, tokensSeen);
        Assert.True(Empty(dir.File("victim")));
    }

    [Fact]
    public async Task AMemberNodeCannotStandInForTheRegistryWithItsOwnCertificate()
    {
        using var dir = new TempDir();
        var ours = NewNetwork(dir, "ours", "2001:db8:42::/48");
        var member = dir.File("member");
        using (var registry = new CliRun.Process(ours.Serve("--tls")))
        {
            var joined = Setup(PortOf(registry), member, AdminTokens.Create(ours.Db, null).Token, "--tls", "--ca-fingerprint", ours.Pin);
            Assert.True(joined.Code == 0, joined.Output);
        }
        // The member serves HTTPS with its node certificate (same CA, server-auth usage) and the network's real CA on /v1/ca.
        using var memberCert = X509Certificate2.CreateFromPemFile(Path.Combine(member, "cert.crt"), Path.Combine(member, "cert.key"));
        using var serving = X509CertificateLoader.LoadPkcs12(memberCert.Export(X509ContentType.Pkcs12), null);
        var caPem = File.ReadAllText(Path.Combine(ours.Dir, "ca.crt"));
        var tokensSeen = 0;
        await using var impostor = await MisbehavingRegistry.StartAsync(
            () => new CaResponse(caPem, "2001:db8:42::/48"),
            request => { Interlocked.Increment(ref tokensSeen); return new { error = "internal", message = "kept your token" }; },
            tls: serving);

        var victim = dir.File("victim");
        var fooled = Setup(impostor.Port, victim, AdminTokens.Create(ours.Db, null).Token, "--tls", "--ca-fingerprint", ours.Pin);
        Assert.Equal(1, fooled.Code);
        Assert.Contains("is not the registry's", fooled.Output);
        Assert.Equal(0, tokensSeen);
        Assert.True(Empty(victim), "nothing is written when the registry is an impostor");

        // The node's client refuses it too, with the member's ca.pem.
        using var client = NodeRegistry.Create(new Uri($"https://127.0.0.1:{impostor.Port}/"), Path.Combine(member, "cert.crt"), Path.Combine(member, "cert.key"), Path.Combine(member, "ca.pem"))!;
        var refused = await Assert.ThrowsAsync<RegistryCallException>(() => client.GetPeerListAsync(5));
        Assert.True(refused.TlsRefused, refused.Message);
    }

    [Fact]
    public void PlainHttpIsRefusedWhenHttpsWasAskedFor()
    {
        using var dir = new TempDir();
        var ours = NewNetwork(dir, "ours", "2001:db8:42::/48");
        using var registry = new CliRun.Process(ours.Serve());
        var token = AdminTokens.Create(ours.Db, null).Token;
        var plain = Setup(PortOf(registry), dir.File("node"), token, "--tls", "--ca-fingerprint", ours.Pin);
        Assert.Equal(1, plain.Code);
        Assert.Contains("did not complete a TLS handshake", plain.Output);
        Assert.True(Empty(dir.File("node")));
        Assert.False(Spent(ours, token), "the token was not sent in clear instead");
    }
}
