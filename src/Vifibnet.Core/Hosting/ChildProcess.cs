using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vifibnet.Hosting;

/// <summary>
/// A supervised child process: its stdout and stderr lines go to a callback as they come, its exit is
/// observed (never left unawaited), and Stop asks it to end with SIGTERM before killing it.
/// Used to run `vifibnet registry` under Start-VifibRegistry, and by tests that drive the real CLI.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    readonly Process process;
    readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Id => process.Id;
    public Task<int> Exited => exited.Task;

    ChildProcess(Process process) => this.process = process;

    /// <summary>Starts the program; each output line (stdout or stderr) is handed to <paramref name="onLine"/>.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, Action<string> onLine)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // drains the output readers before reporting the exit
            child.exited.TrySetResult(process.ExitCode);
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ChildProcessException($"cannot start '{fileName}': {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGTERM, then SIGKILL if it has not ended within <paramref name="grace"/>; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!exited.Task.IsCompleted)
        {
            if (OperatingSystem.IsWindows()) process.Kill(entireProcessTree: true);
            else _ = kill(process.Id, 15);
            if (await Task.WhenAny(exited.Task, Task.Delay(grace)) != exited.Task)
                process.Kill(entireProcessTree: true);
        }
        return await exited.Task;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    public void Dispose()
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        process.Dispose();
    }
}
