using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Processes;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

/// <summary>What Start-VifibRegistry does underneath: build the CLI arguments, run the real program, stop it with SIGTERM.</summary>
public class RegistryLaunchTests
{
    [Fact]
    public void BuildsTheCliCommandLine()
    {
        var launch = new RegistryLaunch(8000, "/r/registry.db", "/r/ca.crt", "/r/ca.key")
        {
            PrivateAddress = "2001:db8:42::1",
            Bootstrap = ["0000000000000001 198.51.100.1 1194 udp", "0000000000000010,203.0.113.5,1195,tcp-server"],
            MailHost = "127.0.0.1:2525",
            LogLevel = 3,
            PrefixLength = 20,
        };
        Assert.Equal(["registry", "8000", "--db", "/r/registry.db", "--ca", "/r/ca.crt", "--key", "/r/ca.key", "--private", "2001:db8:42::1",
            "--bootstrap", "0000000000000001", "198.51.100.1", "1194", "udp", "--bootstrap", "0000000000000010", "203.0.113.5", "1195", "tcp-server",
            "--mailhost", "127.0.0.1:2525", "--prefix-length", "20", "-v", "3"], launch.Arguments());
        var bad = new RegistryLaunch(8000, "db", "ca", "key") { Bootstrap = ["0001 198.51.100.1"] };
        Assert.Contains("PREFIX IP PORT PROTO", Assert.Throws<ArgumentException>(() => bad.Arguments()).Message);
    }

    [Fact]
    public async Task RunsTheRealRegistryAndStopsItWithSigterm()
    {
        using var dir = new TempDir();
        var net = NetworkCreator.Create(dir.Path, Vifibnet.Addressing.NetworkPrefix.Parse("2001:db8:42::/48"), force: false);
        var launch = new RegistryLaunch(0, net.DbPath, net.CaPath, net.KeyPath) { LogLevel = 2 };
        var (file, prefix) = VifibnetExecutable.In(AppContext.BaseDirectory);
        var lines = new List<string>();
        using var child = ChildProcess.Start("vifibnet registry", file, prefix.Concat(launch.Arguments()), null, Logger.Null, l => { lock (lines) lines.Add(l); });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Snapshot().Any(l => l.Contains("listening on port")) && DateTime.UtcNow < deadline && !child.Exited.IsCompleted)
            await Task.Delay(50);
        Assert.Contains(Snapshot(), l => l.Contains("listening on port"));
        await child.StopAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await child.Exited);
        Assert.Contains(Snapshot(), l => l.Contains("registry stopped"));

        List<string> Snapshot() { lock (lines) return [.. lines]; }
    }

    [Fact]
    public void MissingUnreadableOrMismatchedCaFilesAreNamedBeforeAnythingStarts()
    {
        using var dir = new TempDir();
        var net = NetworkCreator.Create(dir.File("net"), Vifibnet.Addressing.NetworkPrefix.Parse("2001:db8:42::/48"), force: false);
        var other = NetworkCreator.Create(dir.File("other"), Vifibnet.Addressing.NetworkPrefix.Parse("2001:db8:43::/48"), force: false);
        new RegistryLaunch(0, ":memory", net.CaPath, net.KeyPath).CheckCaFiles(); // the good pair passes

        var missing = Assert.Throws<CertificateException>(() => new RegistryLaunch(0, ":memory", dir.File("missing.crt"), net.KeyPath).CheckCaFiles());
        Assert.Contains("missing.crt", missing.Message);
        File.WriteAllText(dir.File("garbage.key"), "not a key");
        var garbage = Assert.Throws<CertificateException>(() => new RegistryLaunch(0, ":memory", net.CaPath, dir.File("garbage.key")).CheckCaFiles());
        Assert.Contains("garbage.key", garbage.Message);
        var mismatched = Assert.Throws<CertificateException>(() => new RegistryLaunch(0, ":memory", net.CaPath, other.KeyPath).CheckCaFiles());
        Assert.Contains("does not belong", mismatched.Message);
    }

    [Fact]
    public void AMissingProgramIsNamed() =>
        Assert.Contains("/nonexistent", Assert.Throws<ChildProcessException>(() => VifibnetExecutable.In("/nonexistent")).Message);
}
