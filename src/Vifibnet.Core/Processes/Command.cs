using System.Diagnostics;

namespace Vifibnet.Processes;

/// <summary>Runs short-lived system commands (ip, kill ...) and returns their output.</summary>
public static class Command
{
    /// <summary>Runs the program; throws <see cref="CommandFailedException"/> on a non-zero exit.</summary>
    public static string Run(string program, params string[] args)
    {
        var (code, output) = TryRun(program, args);
        if (code != 0) throw new CommandFailedException($"{program} {string.Join(' ', args)}", code, output);
        return output;
    }

    /// <summary>Runs the program and returns its exit code and output (stdout then stderr).</summary>
    public static (int ExitCode, string Output) TryRun(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program.Contains('/') ? program : Tools.Find(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new CommandFailedException(program, -1, "could not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
