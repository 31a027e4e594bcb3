using Vifibnet.Peers;
using Vifibnet.Tests.Support;
using static Vifibnet.Tests.Setup.SetupTests;

namespace Vifibnet.Tests.Setup;

/// <summary>`vifibnet setup` and `vifibnet identity` through CommandLine.RunAsync, against the real registry.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SetupCliTests
{
    [Fact]
    public async Task ScriptedSetupThenIdentity()
    {
        await using var registry = await TestRegistry.StartAsync(WithBootstrap);
        using var dir = new TempDir();
        var port = registry.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var setup = await CliRun.RunAsync("setup", "--server", "::1", "--port", port, "-d", dir.Path, "-r", "O", "Example", "--token", registry.AdminToken());
        Assert.True(setup.Code == 0, setup.Error);
        Assert.Contains("address 2001:db8:42::1", setup.Out);
        Assert.Contains("cert.crt: issued", setup.Error); // each step is reported (-v 1 by default)
        AssertOpensslAccepts(dir.Path);

        var identity = await CliRun.RunAsync("identity", "-d", dir.Path);
        Assert.Equal(0, identity.Code);
        Assert.Contains("network  2001:db8:42::/48", identity.Out);
        Assert.Contains("prefix   0/16 (0000000000000000)", identity.Out);
        Assert.Contains("address  2001:db8:42::1", identity.Out);
    }

    [Fact]
    public async Task InteractiveSetupReadsTheTerminal()
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(WithBootstrap with { MailHost = smtp.HostAndPort });
        using var dir = new TempDir();
        var port = registry.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The terminal: the user types the address, then the token once the mail is there.
        var terminal = new MailboxTerminal("frank@example.com", () => smtp.WaitForToken("frank@example.com", TimeSpan.FromSeconds(10)));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Vifibnet.Cli.CommandLine.RunAsync(["setup", "--server", "127.0.0.1", "--port", port, "-d", dir.Path], stdout, stderr, terminal);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("E-mail address to send the registration token to:", stderr.ToString());
        Assert.Contains("Token (from the mail sent to frank@example.com):", stderr.ToString());
        using var peers = PeerDb.Open(dir.File("peers.db"));
        Assert.Equal([SetupTests.BootPeer], peers.Unused());
    }

    [Fact]
    public async Task FailuresAreOneLineAndExitCodes()
    {
        using var dir = new TempDir();
        var unreachable = await CliRun.RunAsync("setup", "--server", "127.0.0.1", "--port", FreePort.Get().ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", dir.File("n"), "--token", "T");
        Assert.Equal(1, unreachable.Code);
        Assert.StartsWith("vifibnet setup: registry http://127.0.0.1:", unreachable.Error);
        Assert.Single(unreachable.Error.TrimEnd().Split('\n'));
        Assert.Equal(2, (await CliRun.RunAsync("setup", "--port", "80")).Code);
        Assert.Equal(2, (await CliRun.RunAsync("setup", "--server", "::1", "--port", "99999")).Code);
        var badAttribute = await CliRun.RunAsync("setup", "--server", "127.0.0.1", "--port", "80", "-d", dir.File("r"), "-r", "Organisation", "Example");
        Assert.Equal(2, badAttribute.Code); // refused as usage before any request: port 80 is never tried
        Assert.StartsWith("vifibnet setup: -r: 'Organisation' is not a certificate subject attribute name", badAttribute.Error);
        Assert.False(Directory.Exists(dir.File("r")));
        var identity = await CliRun.RunAsync("identity", "-d", dir.Path);
        Assert.Equal(1, identity.Code);
        Assert.Contains("ca.pem", identity.Error);
    }

    /// <summary>A terminal whose user answers each prompt line in turn.</summary>
    sealed class MailboxTerminal(params object[] lines) : TextReader
    {
        int next;
        public override string? ReadLine() => next < lines.Length
            ? lines[next++] switch { string s => s, Func<string> f => f(), _ => null }
            : null;
    }
}
