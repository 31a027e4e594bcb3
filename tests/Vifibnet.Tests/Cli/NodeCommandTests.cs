using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Cli;

/// <summary>`vifibnet node`, `tunnels` and `peers update`: usage errors exit 2, failures 1, each with one clear line.</summary>
public sealed class NodeCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("vifibnet-nodecli-").FullName;

    [Fact]
    public async Task HelpListsEverySeedOption()
    {
        var r = await CliRun.RunAsync("node", "--help");
        Assert.Equal(0, r.Code);
        foreach (var option in new[] { "--ip", "--interface", "--peers-db-refresh", "--log", "--state", "--verbose", "--registry", "--hello",
                     "--wireless", "--pp", "--tunnel-refresh", "--tunnel-timeout", "--probe-timeout", "--dh", "--ca", "--cert", "--key", "--connection-count", "--refresh-rate", "@FILE", "-- ARGS" })
            Assert.Contains(option, r.Out);
        Assert.Contains("ceil(N/2)", r.Out);
    }

    [Fact]
    public async Task UnknownOptionIsAUsageError()
    {
        var r = await CliRun.RunAsync("node", "--hello", "4", "--frobnicate");
        Assert.Equal(2, r.Code);
        Assert.Contains("unknown option '--frobnicate'", r.Error);
    }

    [Fact]
    public void AProbeTimeoutThatOneLostProbeWouldTripIsAUsageErrorAndAValidOneIsTaken()
    {
        // The real program, as a process: exit code and message as a user sees them.
        var (code, output) = CliRun.Tool(CliProgram.Dotnet, CliProgram.Dll, "node", "-s", dir, "-l", dir, "--probe-timeout", "0.1");
        Assert.Equal(2, code);
        Assert.Contains("--probe-timeout: '0.1' is not 0 (off) nor a number of seconds in 0.3..60", output);
        // A valid one passes the parser: the run then fails on the missing certificate, not on the option.
        (code, output) = CliRun.Tool(CliProgram.Dotnet, CliProgram.Dll, "node", "-s", dir, "-l", dir, "--probe-timeout", "2.5", "--ip", "198.51.100.1", "1194", "udp");
        Assert.Equal(1, code);
        Assert.DoesNotContain("--probe-timeout", output);
        Assert.Contains(Path.Combine(dir, "ca.pem"), output);
    }

    [Fact]
    public async Task BadFileLineIsAUsageErrorNamingFileAndLine()
    {
        var file = Path.Combine(dir, "node.conf");
        File.WriteAllText(file, "hello 4\npp 1194 sctp\n");
        var r = await CliRun.RunAsync("node", "@" + file);
        Assert.Equal(2, r.Code);
        Assert.Contains($"{file}:2:", r.Error);
    }

    [Fact]
    public async Task MissingCertificateFailsBeforeAnythingStarts()
    {
        var r = await CliRun.RunAsync("node", "-s", dir, "-l", dir, "--ip", "198.51.100.1", "1194", "udp");
        Assert.Equal(1, r.Code);
        Assert.Contains(Path.Combine(dir, "ca.pem"), r.Error);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Fact]
    public async Task TunnelsOfAStoppedNodeSayNoNodeRuns()
    {
        var r = await CliRun.RunAsync("tunnels", "-s", dir);
        Assert.Equal(1, r.Code);
        Assert.Contains($"no node is running with state directory '{dir}'", r.Error);
        Assert.Equal(2, (await CliRun.RunAsync("tunnels", "--bogus")).Code);
    }

    [Fact]
    public async Task StatusOfAStoppedNodeSaysNoNodeRunsAndEveryQueryCommandSharesItsOptions()
    {
        var r = await CliRun.RunAsync("status", "-s", dir, "--json");
        Assert.Equal(1, r.Code);
        Assert.Contains($"no node is running with state directory '{dir}'", r.Error);
        foreach (var command in new[] { new[] { "status" }, ["tunnels"], ["peers", "update"] })
        {
            var help = await CliRun.RunAsync([.. command, "--help"]);
            Assert.Equal(0, help.Code);
            Assert.Contains("[-s STATE_DIR]", help.Out);
            var bad = await CliRun.RunAsync([.. command, "--bogus"]);
            Assert.Equal(2, bad.Code);
            Assert.Contains("unexpected argument '--bogus'", bad.Error);
        }
        // `peers update` prints no JSON: --json is a usage error there, not silently ignored.
        Assert.Equal(2, (await CliRun.RunAsync("peers", "update", "--json")).Code);
    }

    [Fact]
    public async Task PeersUpdateWithoutPeerDbSaysSo()
    {
        var r = await CliRun.RunAsync("peers", "update", "-s", dir);
        Assert.Equal(1, r.Code);
        Assert.Contains("no peer DB", r.Error);
        Assert.Equal(2, (await CliRun.RunAsync("peers")).Code);
    }

    [Fact]
    public async Task PeersUpdateOnAStoppedNodeWithoutRegistrySaysWhatToDo()
    {
        using (var db = Vifibnet.Peers.PeerDb.Open(Path.Combine(dir, "peers.db"))) db.SetConfig("ca", "x");
        var r = await CliRun.RunAsync("peers", "update", "-s", dir);
        Assert.Equal(1, r.Code);
        Assert.Contains("names no registry", r.Error);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
