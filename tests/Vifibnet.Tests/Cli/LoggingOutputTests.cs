using Vifibnet.Logging;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Cli;

/// <summary>Logs as an operator meets them: the journal's format under systemd, files reopened on SIGHUP.</summary>
public sealed class LoggingOutputTests
{
    [Fact]
    public void SystemdIsRecognisedByItsEnvironment()
    {
        Assert.True(Journal.UnderSystemd(n => n == "INVOCATION_ID" ? "0123abcd" : null));
        Assert.True(Journal.UnderSystemd(n => n == "JOURNAL_STREAM" ? "8:12345" : null));
        Assert.False(Journal.UnderSystemd(_ => null));
        Assert.False(Journal.UnderSystemd(_ => ""));
    }

    [Fact]
    public void JournalLinesCarryAPriorityAndNoTimestamp()
    {
        var time = new DateTimeOffset(2026, 12, 4, 10, 11, 12, TimeSpan.Zero);
        Assert.Equal("<3>ERROR   node: boom (IOException: disk)", Journal.Line(new LogRecord(time, LogLevel.Error, "node", "boom", new IOException("disk"))));
        Assert.Equal("<4>WARNING tunnels: slow", Journal.Line(new LogRecord(time, LogLevel.Warning, "tunnels", "slow")));
        Assert.Equal("<6>INFO    registry: up", Journal.Line(new LogRecord(time, LogLevel.Info, "registry", "up")));
        Assert.Equal("<7>TRACE   x: y", Journal.Line(new LogRecord(time, LogLevel.Trace, "x", "y")));
        Assert.Contains("2026-12-04 10:11:12", new LogRecord(time, LogLevel.Info, "registry", "up").ToString());
    }

    [Fact]
    public void ReopenAllStartsANewFileAfterRotation()
    {
        using var dir = new TempDir();
        var path = dir.File("vifibnet.log");
        using var sink = new FileLogSink(path);
        sink.WriteLine("before rotation");
        File.Move(path, path + ".1"); // what logrotate does
        sink.WriteLine("still into the rotated file");
        FileLogSink.ReopenAll(); // what SIGHUP does
        sink.WriteLine("after reopening");
        Assert.Equal(["before rotation", "still into the rotated file"], File.ReadAllLines(path + ".1"));
        Assert.Equal(["after reopening"], File.ReadAllLines(path));
    }

    [Fact]
    public async Task RegistryUnderSystemdLogsToStdoutInTheJournalsFormatAndSurvivesSighup()
    {
        using var dir = new TempDir();
        var net = dir.File("net");
        Assert.Equal(0, (await CliRun.RunAsync("new-registry", "--dir", net, "--network", "2001:db8:42::/48")).Code);
        var port = FreePort.Get();
        var conf = dir.File("registry.conf");
        File.WriteAllText(conf, $"# as /etc/vifibnet/registry.conf\nport {port}\ndb {net}/registry.db\nca {net}/ca.crt   # the CA\nkey {net}/ca.key\nverbose 1\n");
        using var registry = new CliRun.Process(["registry", "@" + conf], new Dictionary<string, string> { ["INVOCATION_ID"] = "0123abcd" });
        registry.WaitFor($"<6>INFO +registry: .*listening on port {port}", TimeSpan.FromSeconds(30));
        registry.Child.Signal(Vifibnet.Processes.ChildProcess.SIGHUP);
        await Task.Delay(500);
        Assert.False(registry.Child.HasExited, "SIGHUP ended the registry");
        registry.Child.Signal(Vifibnet.Processes.ChildProcess.SIGTERM);
        Assert.Equal(0, await registry.Child.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotMatch(@"\d{4}-\d\d-\d\d \d\d:\d\d", registry.Output);
    }

    [Fact]
    public async Task StartedWithSighupIgnoredTheRegistryStillHandlesSighup()
    {
        // nohup (and the CI runner) start us with SIGHUP ignored; .NET would then never call the handler, and
        // logrotate's SIGHUP would leave the daemon writing into the rotated file (DebPackageTests failed so in CI).
        using var dir = new TempDir();
        var net = dir.File("net");
        Assert.Equal(0, (await CliRun.RunAsync("new-registry", "--dir", net, "--network", "2001:db8:42::/48")).Code);
        var port = FreePort.Get();
        using var registry = new CliRun.Process(["registry", port.ToString(), "--db", $"{net}/registry.db", "--ca", $"{net}/ca.crt", "--key", $"{net}/ca.key", "-v", "1"],
            hangupIgnored: true);
        registry.WaitFor($"listening on port {port}", TimeSpan.FromSeconds(30));
        var ignored = Convert.ToUInt64(File.ReadAllLines($"/proc/{registry.Child.Pid}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim(), 16);
        Assert.Equal(0UL, ignored & 1); // SIGHUP (bit 0) is no longer ignored once the registry runs
        registry.Child.Signal(Vifibnet.Processes.ChildProcess.SIGHUP);
        registry.WaitFor("SIGHUP: reopened 0 log files", TimeSpan.FromSeconds(10));
        Assert.False(registry.Child.HasExited, "SIGHUP ended the registry");
        registry.Child.Signal(Vifibnet.Processes.ChildProcess.SIGTERM);
        Assert.Equal(0, await registry.Child.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
