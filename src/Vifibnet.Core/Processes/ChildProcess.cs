using System.Diagnostics;
using System.Runtime.InteropServices;
using Vifibnet.Logging;

namespace Vifibnet.Processes;

/// <summary>
/// A long-running child (openvpn, babeld, `vifibnet registry` under Start-VifibRegistry): its output
/// appended to its own log file and/or handed line by line to a callback, its exit observable as a
/// task, stopped with SIGTERM then SIGKILL.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    readonly Process process;
    readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly FileLogSink? log;
    readonly Action<string>? onLine;
    readonly object logGate = new();

    /// <summary>A short name for logs, e.g. "openvpn client vifib-c0".</summary>
    public string Name { get; }
    public int Pid { get; }
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => exited.Task;
    public bool HasExited => exited.Task.IsCompleted;

    ChildProcess(string name, Process process, FileLogSink? log, Action<string>? onLine)
    {
        Name = name;
        this.process = process;
        this.log = log;
        this.onLine = onLine;
        Pid = process.Id;
    }

    /// <summary>
    /// Starts the program; its stdout and stderr lines are appended to <paramref name="logFile"/> and given
    /// to <paramref name="onLine"/> (dropped when both are null).
    /// </summary>
    public static ChildProcess Start(string name, string program, IEnumerable<string> args, string? logFile, Logger logger, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        var commandLine = $"{program} {string.Join(' ', info.ArgumentList)}";
        logger.Trace($"starting {name}: {commandLine}");
        // Its stdout is our pipe, not the journal: a child `vifibnet registry` must not take itself for a systemd service.
        info.Environment.Remove("JOURNAL_STREAM");
        info.Environment.Remove("INVOCATION_ID");
        // A FileLogSink, so SIGHUP (FileLogSink.ReopenAll) reopens the children's files after logrotate too.
        var log = logFile is null ? null : new FileLogSink(logFile);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        try
        {
            ProcessSpawner.Start(process);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            log?.Dispose();
            process.Dispose();
            throw new CommandFailedException(commandLine, -1, e.Message);
        }
        var child = new ChildProcess(name, process, log, onLine);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Exited += (_, _) =>
        {
            // WaitForExit() drains the redirected streams before we report the exit.
            try { process.WaitForExit(); } catch (InvalidOperationException) { }
            child.exited.TrySetResult(process.ExitCode);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) child.exited.TrySetResult(process.ExitCode);
        return child;
    }

    void Append(string? line)
    {
        if (line is null) return;
        try { onLine?.Invoke(line); }
        catch (Exception) { /* the consumer went away (job disposed, pipeline stopped): keep draining the child */ }
        if (log is null) return;
        lock (logGate)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>Sends a signal (e.g. SIGUSR2 to make babeld check its interfaces now).</summary>
    public void Signal(int signal)
    {
        if (!HasExited) _ = kill(Pid, signal);
    }

    public const int SIGHUP = 1, SIGKILL = 9, SIGUSR1 = 10, SIGUSR2 = 12, SIGTERM = 15;

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited) return;
        Signal(SIGTERM);
        if (await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false) != Exited)
        {
            Signal(SIGKILL);
            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
    }

    /// <summary>Kills it at once (tests use this to play a crash).</summary>
    public void Kill() => Signal(SIGKILL);

    public void Dispose()
    {
        if (!HasExited) Signal(SIGKILL);
        process.Dispose();
        lock (logGate) log?.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
