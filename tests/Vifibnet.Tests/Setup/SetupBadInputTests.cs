using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Setup;
using Vifibnet.Tests.Support;
using static Vifibnet.Tests.Setup.SetupTests;

namespace Vifibnet.Tests.Setup;

/// <summary>Each bad input of the setup issue: a named error, a message saying what and where, nothing half-written.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SetupBadInputTests
{
    [Fact]
    public async Task AnUnreachableRegistryIsNamedAndNothingIsLeftBehind()
    {
        var port = FreePort.Get(); // nothing listens there
        using var dir = new TempDir();
        var node = dir.File("node");
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", port, node) { Token = "X" }));
        Assert.Equal(SetupErrorKind.RegistryUnreachable, error.Kind);
        Assert.Contains($"http://127.0.0.1:{port}/v1/ca", error.Message);
        Assert.False(Directory.Exists(node), "the directory setup created is removed again");
    }

    [Fact]
    public async Task AWrongTokenFailsAScriptClearly()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        var error = await Assert.ThrowsAsync<SetupException>(() =>
            Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = TokenStore.NewToken() }));
        Assert.Equal(SetupErrorKind.TokenRejected, error.Kind);
        Assert.Contains("token_unknown", error.Message);
        Assert.False(File.Exists(dir.File("cert.key")));
        Assert.False(File.Exists(dir.File("cert.crt")));
        Assert.False(File.Exists(dir.File("peers.db")));
    }

    [Fact]
    public async Task AnExpiredTokenIsAskedAgainInteractively()
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(WithBootstrap with { MailHost = smtp.HostAndPort });
        using var dir = new TempDir();
        var expired = AdminTokens.Create(registry.Db.Path, null, clock: new ManualClock(DateTimeOffset.UtcNow.AddDays(-3))).Token;
        var prompt = new ScriptedPrompt("erin@example.com", () => expired, () => smtp.WaitForToken("erin@example.com", TimeSpan.FromSeconds(10)));
        var result = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path), prompt);
        Assert.Equal(SetupStage.Complete, result.Stage);
        Assert.Equal(2, prompt.Problems.Count);
        Assert.Null(prompt.Problems[0]);
        Assert.Contains("token_expired", prompt.Problems[1]);
    }

    [Fact]
    public async Task NoAnswerToAQuestionCancelsAndSaysWhereTheTokenWent()
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(WithBootstrap with { MailHost = smtp.HostAndPort });
        using var dir = new TempDir();
        var noEmail = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path), new ScriptedPrompt(null)));
        Assert.Equal((SetupErrorKind.Cancelled, "setup cancelled: no e-mail address given (to run without questions, give --token / -Token)"), (noEmail.Kind, noEmail.Message));

        var noToken = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path), new ScriptedPrompt("gina@example.com")));
        Assert.Equal(SetupErrorKind.Cancelled, noToken.Kind);
        Assert.Contains("mailed one to gina@example.com: run setup again with --token", noToken.Message);
        Assert.Matches("^[A-Z2-7]{32}$", smtp.WaitForToken("gina@example.com", TimeSpan.FromSeconds(10))); // the mail really went
        Assert.False(File.Exists(dir.File("cert.key")));
    }

    [Fact]
    public async Task NoTokenAndNobodyToAskIsNamed()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path)));
        Assert.Equal(SetupErrorKind.TokenMissing, error.Kind);
        Assert.Contains("--token", error.Message);
    }

    [Fact]
    public async Task ACaWhoseSerialCarriesNoPrefixIsRefused()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Not a vifibnet CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(20); // 160 bits: no 1 bit + 128-bit prefix fits
        serial[0] = 0x7f;
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var odd = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), serial);
        await using var fake = await MisbehavingRegistry.StartAsync(() => new CaResponse(odd.ExportCertificatePem(), "?"));
        using var dir = new TempDir();
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", fake.Port, dir.Path) { Token = "T" }));
        Assert.Equal(SetupErrorKind.InvalidCa, error.Kind);
        Assert.Contains("serial number", error.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task ACertificateForAnotherKeyIsRefused()
    {
        using var ca = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        using var stranger = new NodeKeys();
        using var wrong = ca.Issue(CertificateRequest.LoadSigningRequestPem(stranger.Csr(), HashAlgorithmName.SHA256),
            NodePrefix.ParseCommonName("0/16"), [1], TimeSpan.FromDays(1));
        await using var fake = await MisbehavingRegistry.StartAsync(
            () => new CaResponse(ca.Certificate.ExportCertificatePem(), "2001:db8:42::/48"),
            _ => new CertificateResponse(wrong.ExportCertificatePem(), "0000000000000000", "2001:db8:42::/64"));
        using var dir = new TempDir();
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", fake.Port, dir.Path) { Token = "T", NoBoot = true }));
        Assert.Equal(SetupErrorKind.CertificateMismatch, error.Kind);
        Assert.Contains("not for our key", error.Message);
        Assert.False(File.Exists(dir.File("cert.crt")));
        Assert.False(File.Exists(dir.File("cert.key")));
    }

    [Fact]
    public async Task ACertificateFromAnotherCaIsRefused()
    {
        using var ca = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        using var otherCa = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        // Echo the node's own CSR back signed by the wrong CA.
        string? csrSeen = null;
        await using var echo = await MisbehavingRegistry.StartAsync(
            () => new CaResponse(ca.Certificate.ExportCertificatePem(), ca.Network.ToString()),
            request =>
            {
                csrSeen = request.Csr;
                using var cert = otherCa.Issue(CertificateRequest.LoadSigningRequestPem(request.Csr, HashAlgorithmName.SHA256),
                    NodePrefix.ParseCommonName("0/16"), [7], TimeSpan.FromDays(1));
                return new CertificateResponse(cert.ExportCertificatePem(), "0000000000000000", "2001:db8:42::/64");
            });
        using var dir = new TempDir();
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", echo.Port, dir.Path) { Token = "T", NoBoot = true }));
        Assert.NotNull(csrSeen);
        Assert.Equal(SetupErrorKind.CertificateMismatch, error.Kind);
        Assert.Contains("not issued by the network's CA", error.Message);
        Assert.False(File.Exists(dir.File("cert.crt")));
    }

    [Fact]
    public async Task ADirectoryThatCannotBeWrittenIsNamed()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a-file"), "");
        var bad = Path.Combine(dir.File("a-file"), "node"); // a directory under a regular file
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", registry.Server.Port, bad) { Token = registry.AdminToken() }));
        Assert.Equal(SetupErrorKind.DirectoryNotWritable, error.Kind);
        Assert.Contains(bad, error.Message);
    }

    [Fact]
    public async Task AFileThatCannotBeWrittenIsANamedSetupError()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("cert.crt")); // something in the certificate's place
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = registry.AdminToken() }));
        Assert.Equal(SetupErrorKind.DirectoryNotWritable, error.Kind);
        Assert.StartsWith($"cannot write in '{dir.Path}'", error.Message);
        Assert.Contains("cert.crt", error.Message);
    }

    [Fact]
    public async Task ARegistryWithNoPeersSuggestsNoBoot()
    {
        await using var registry = await TestRegistry.StartAsync(); // no --bootstrap, nobody declared
        using var dir = new TempDir();
        var token = registry.AdminToken();
        var error = await Assert.ThrowsAsync<SetupException>(() => Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { Token = token }));
        Assert.Equal(SetupErrorKind.NoBootstrapPeer, error.Kind);
        Assert.Contains("--no-boot", error.Message);
        Assert.False(File.Exists(dir.File("peers.db")));
        // The certificate the token paid for is kept, and the suggested re-run reuses it without a token.
        var again = await Run(new SetupOptions("127.0.0.1", registry.Server.Port, dir.Path) { NoBoot = true });
        Assert.Equal(SetupStage.Complete, again.Stage);
        AssertOpensslAccepts(dir.Path);
    }

    [Theory]
    [InlineData("Organisation", "Example", "not a certificate subject attribute name")]
    [InlineData("C", "France", "C 'France'")]
    [InlineData("O", "", "1 to 64 characters")]
    public async Task AnInvalidRequestAttributeIsRefusedBeforeAnythingHappens(string name, string value, string message)
    {
        using var dir = new TempDir();
        var node = dir.File("node");
        var error = await Assert.ThrowsAsync<SetupException>(() =>
            Run(new SetupOptions("127.0.0.1", FreePort.Get(), node) { Token = "T", Attributes = [new(name, value)] }));
        Assert.Equal(SetupErrorKind.InvalidAttribute, error.Kind);
        Assert.Contains(message, error.Message);
        Assert.False(Directory.Exists(node));
    }
}
