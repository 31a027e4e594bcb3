using System.Text.RegularExpressions;
using Vifibnet.Cli;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.Tests.Support;

/// <summary>Runs `vifibnet` commands: in-process through CommandLine.RunAsync with captured writers, or as the real program.</summary>
public static class CliRun
{
    public sealed record Result(int Code, string Out, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The real `vifibnet` program from the test's output folder (or <see cref="CliProgram.Native"/>), its lines collected.</summary>
    public sealed class Process : IDisposable
    {
        readonly List<string> lines = [];
        public ChildProcess Child { get; }

        /// <param name="environment">variables to set (through env(1): ChildProcess drops systemd's own, these are set after)</param>
        /// <param name="hangupIgnored">start it with SIGHUP ignored, as nohup or some CI runners do (inherited through exec)</param>
        public Process(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, bool hangupIgnored = false)
        {
            var (file, prefix) = CliProgram.Native is { } native ? (native, []) : VifibnetExecutable.In(AppContext.BaseDirectory);
            IEnumerable<string> command = [.. prefix, .. args];
            if (environment is not null) (file, command) = ("env", [.. environment.Select(e => $"{e.Key}={e.Value}"), file, .. command]);
            if (hangupIgnored) (file, command) = ("bash", ["-c", "trap '' HUP; exec \"$@\"", "vifibnet", file, .. command]);
            Child = ChildProcess.Start("vifibnet", file, command, null, Logger.Null, line => { lock (lines) lines.Add(line); });
        }

        public string Output { get { lock (lines) return string.Join("\n", lines); } }

        /// <summary>Waits for a line matching the pattern; fails with everything printed so far.</summary>
        public Match WaitFor(string pattern, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (lines)
                    foreach (var line in lines)
                        if (Regex.Match(line, pattern) is { Success: true } m) return m;
                if (Child.Exited.IsCompleted) break;
                Thread.Sleep(50);
            }
            throw new Xunit.Sdk.XunitException($"vifibnet printed no line matching /{pattern}/ (exited: {Child.Exited.IsCompleted}); output:\n{Output}");
        }

        public void Dispose() => Child.Dispose();
    }

    /// <summary>Runs a tool (openssl) and returns its exit code and output.</summary>
    public static (int Code, string Output) Tool(string program, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(info)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdoutTask.Result + stderr);
    }
}
