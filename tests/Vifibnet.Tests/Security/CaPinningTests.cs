using System.Security.Cryptography;
using Vifibnet.Certificates;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 6 of issue 11: `vifibnet setup` (the real program) pointed at another registry (a second
/// network, or someone answering in the first one's place). Without --force it does not replace the
/// node's CA; with --ca-fingerprint it accepts only the pinned CA; either way nothing is written.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CaPinningTests
{
    static (int Code, string Output) Setup(TestRegistry registry, string dir, params string[] more) =>
        CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "setup", "--server", "127.0.0.1", "--port",
            registry.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-d", dir, "--no-boot", "--token", registry.AdminToken(), .. more]);

    static string Files(string dir) => string.Join('\n', Directory.GetFiles(dir).Order()
        .Select(f => $"{Path.GetFileName(f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));

    [Fact]
    public async Task SetupKeepsItsCaUnlessForcedAndAcceptsOnlyThePinnedOne()
    {
        await using var ours = await TestRegistry.StartAsync();
        await using var theirs = await TestRegistry.StartAsync(network: "2001:db8:43::/48");
        var (ourPin, theirPin) = (CertificateFingerprint.Of(ours.Ca.Certificate), CertificateFingerprint.Of(theirs.Ca.Certificate));
        using var dir = new TempDir();
        var node = dir.File("node");

        var joined = Setup(ours, node, "--ca-fingerprint", ourPin.ToUpperInvariant().Replace("SHA256:", "sha256:"));
        Assert.True(joined.Code == 0, joined.Output);
        var before = Files(node);

        var other = Setup(theirs, node);
        Assert.Equal(1, other.Code);
        Assert.Contains($"belongs to the network of CA {ourPin}; the registry sent CA {theirPin}: use --force", other.Output);
        Assert.Equal(before, Files(node));

        var fresh = dir.File("fresh");
        var impostor = Setup(theirs, fresh, "--ca-fingerprint", ourPin);
        Assert.Equal(1, impostor.Code);
        Assert.Contains($"sent CA {theirPin}, not the pinned {ourPin}", impostor.Output);
        Assert.False(Directory.Exists(fresh) && Directory.EnumerateFileSystemEntries(fresh).Any(), "nothing is written for a CA that is not the pinned one");

        var typo = Setup(ours, fresh, "--ca-fingerprint", "sha256:1234");
        Assert.Equal(2, typo.Code);
        Assert.Contains("64 hexadecimal digits", typo.Output);

        var forced = Setup(theirs, node, "--force", "--ca-fingerprint", theirPin);
        Assert.True(forced.Code == 0, forced.Output);
        Assert.Contains("network   2001:db8:43::/48", forced.Output);
        Assert.Equal(theirs.Ca.Certificate.ExportCertificatePem().Trim(), File.ReadAllText(Path.Combine(node, "ca.pem")).Trim());
    }

    [Fact]
    public async Task NewRegistryAndTokenPrintTheFingerprintToPin()
    {
        using var dir = new TempDir();
        var made = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "new-registry", "--dir", dir.Path, "--network", "2001:db8:42::/48"]);
        Assert.Equal(0, made.Code);
        using var ca = CertificateAuthority.Load(dir.File("ca.crt"), dir.File("ca.key"));
        var pin = CertificateFingerprint.Of(ca.Certificate);
        Assert.Contains($"CA fingerprint  {pin}", made.Output);
        var token = await CliRun.RunAsync("token", "--db", dir.File("registry.db"));
        Assert.Matches("^[A-Z2-7]{32}\n$", token.Out);
        Assert.Contains($"--ca-fingerprint {pin}", token.Error);
    }
}
