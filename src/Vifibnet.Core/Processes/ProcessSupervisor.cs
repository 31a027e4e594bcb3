using Vifibnet.Logging;

namespace Vifibnet.Processes;

/// <summary>
/// Keeps one child program running (Start-VifibRegistry's `vifibnet registry`): its output lines go to a
/// callback, a crash is logged and the program restarted, and a program that keeps failing right at
/// start (a port in use, a bad file) is given up on instead of being restarted in a loop.
/// </summary>
public sealed class ProcessSupervisor(string name, string file, IReadOnlyList<string> arguments, Action<string> onLine, Logger log)
{
    /// <summary>An exit sooner than this after a start counts as failing to start.</summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Failures to start in a row after which the supervisor gives up.</summary>
    public int MaxStartFailures { get; init; } = 3;

    /// <summary>Pause before a restart, so a crash loop never spins.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    ChildProcess? current;

    /// <summary>The running child's pid, or null between runs.</summary>
    public int? Pid => current is { HasExited: false } c ? c.Pid : null;

    /// <summary>How long the running child has run, or null between runs (past <see cref="StartupGrace"/>, an exit is a crash).</summary>
    public TimeSpan? RunningFor => current is { HasExited: false } c ? DateTimeOffset.UtcNow - c.Started : null;

    /// <summary>How many times the program was started again after it exited (crash or failed start).</summary>
    public int Restarts { get; private set; }

    /// <summary>
    /// Runs until <paramref name="cancel"/> (SIGTERM, then SIGKILL after 10 s; returns the program's exit
    /// code) or until the program ends by itself with code 0. Throws <see cref="ChildProcessException"/>
    /// when it failed to start <see cref="MaxStartFailures"/> times in a row.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var quickFailures = 0;
        while (true)
        {
            using var child = ChildProcess.Start(name, file, arguments, null, log, onLine);
            current = child;
            int code;
            using (cancel.Register(() => _ = child.StopAsync(TimeSpan.FromSeconds(10))))
                code = await child.Exited.ConfigureAwait(false);
            current = null;
            if (cancel.IsCancellationRequested || code == 0) return code;

            var ranFor = DateTimeOffset.UtcNow - child.Started;
            quickFailures = ranFor < StartupGrace ? quickFailures + 1 : 0;
            if (quickFailures >= MaxStartFailures)
                throw new ChildProcessException(
                    $"{name} exited with code {code} {quickFailures} times within {StartupGrace.TotalSeconds:0} s of starting; its last lines say why");
            log.Warning($"{name} (pid {child.Pid}) exited with code {code} after {ranFor.TotalSeconds:0.#} s; restarting it");
            try { await Task.Delay(RestartDelay, cancel).ConfigureAwait(false); }
            catch (OperationCanceledException) { return code; }
            Restarts++;
        }
    }
}
