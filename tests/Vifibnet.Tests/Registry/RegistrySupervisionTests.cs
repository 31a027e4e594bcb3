using System.Text.RegularExpressions;
using Vifibnet.Logging;
using Vifibnet.Processes;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

/// <summary>
/// What Start-VifibRegistry (foreground and -AsJob) relies on: the real `vifibnet registry` under
/// ProcessSupervisor is restarted after a crash, stopped by cancellation, and given up on when it
/// cannot start at all.
/// </summary>
public class RegistrySupervisionTests
{
    [Fact]
    public async Task ACrashedRegistryIsRestartedAndServesAgainThenStopsOnCancel()
    {
        using var dir = new TempDir();
        var net = NetworkCreator.Create(dir.Path, Vifibnet.Addressing.NetworkPrefix.Parse("2001:db8:42::/48"), force: false);
        var (file, prefix) = VifibnetExecutable.In(AppContext.BaseDirectory);
        var lines = new List<string>();
        var records = new List<LogRecord>();
        var supervisor = new ProcessSupervisor("vifibnet registry", file,
            [.. prefix, .. new RegistryLaunch(0, net.DbPath, net.CaPath, net.KeyPath) { LogLevel = 1 }.Arguments()],
            l => { lock (lines) lines.Add(l); }, new Logger(LogLevel.Info, r => { lock (records) records.Add(r); }))
        { StartupGrace = TimeSpan.FromSeconds(1), RestartDelay = TimeSpan.FromMilliseconds(200) };
        using var stop = new CancellationTokenSource();
        var run = supervisor.RunAsync(stop.Token);

        var firstPort = await ListeningPort(1);
        await AnswersCa(firstPort);
        // Past the start-up grace, what follows is a crash, not a failed start.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(supervisor.RunningFor > supervisor.StartupGrace))
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"the registry did not stay up past its start-up grace; lines:\n{string.Join("\n", lines)}");
            await Task.Delay(50);
        }
        var crashed = supervisor.Pid ?? throw new Xunit.Sdk.XunitException("no registry process is running");
        Assert.Equal(0, RunKill(crashed));

        var secondPort = await ListeningPort(2);
        await AnswersCa(secondPort);
        Assert.Equal(1, supervisor.Restarts);
        Assert.NotEqual(crashed, supervisor.Pid);
        lock (records) Assert.Contains(records, r => r.Level == LogLevel.Warning && r.Message.Contains($"pid {crashed}") && r.Message.Contains("restarting"));

        stop.Cancel();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Null(supervisor.Pid);
        lock (lines) Assert.Contains(lines, l => l.Contains("registry stopped"));

        async Task<int> ListeningPort(int nth)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !run.IsCompleted)
            {
                List<Match> found;
                lock (lines) found = lines.Select(l => Regex.Match(l, @"listening on port (\d+)")).Where(m => m.Success).ToList();
                if (found.Count >= nth) return int.Parse(found[nth - 1].Groups[1].Value);
                await Task.Delay(50);
            }
            lock (lines) throw new Xunit.Sdk.XunitException($"start {nth} of the registry never listened; lines:\n{string.Join("\n", lines)}");
        }
    }

    [Fact]
    public async Task ARegistryThatCannotStartIsGivenUpOnNamingItsExitCode()
    {
        using var dir = new TempDir();
        var (file, prefix) = VifibnetExecutable.In(AppContext.BaseDirectory);
        var lines = new List<string>();
        // A CA file that does not exist: the registry exits with code 1 at once, every time.
        var supervisor = new ProcessSupervisor("vifibnet registry", file,
            [.. prefix, .. new RegistryLaunch(0, ":memory", dir.File("missing.crt"), dir.File("missing.key")).Arguments()],
            l => { lock (lines) lines.Add(l); }, Logger.Null)
        { RestartDelay = TimeSpan.FromMilliseconds(100) };
        var e = await Assert.ThrowsAsync<ChildProcessException>(() => supervisor.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("exited with code 1 3 times within 5 s of starting", e.Message);
        Assert.Equal(2, supervisor.Restarts); // three starts in all, then no more
        lock (lines) Assert.Contains(lines, l => l.Contains("missing.crt"));
    }

    static async Task AnswersCa(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var pem = await http.GetStringAsync($"http://127.0.0.1:{port}/v1/ca");
        Assert.Contains("BEGIN CERTIFICATE", pem);
    }

    static int RunKill(int pid) => CliRun.Tool("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code;
}
