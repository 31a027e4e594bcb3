using System.Diagnostics;
using Xunit.Sdk;

namespace Vifibnet.Tests.Nat;

/// <summary>Runs the system tools the namespace tests drive (ip, nft, miniupnpd, openvpn), failing loudly with their output.</summary>
static class Shell
{
    public static string Run(string program, params string[] args)
    {
        using var process = Process.Start(Info(program, args)) ?? throw new XunitException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new XunitException($"{program} {string.Join(' ', args)} did not finish in 30 s");
        }
        if (process.ExitCode != 0)
            throw new XunitException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }

    /// <summary>Starts a program with stdout and stderr appended to <paramref name="logFile"/>.</summary>
    public static Process Start(string logFile, string program, params string[] args)
    {
        var info = Info(program, args);
        var process = Process.Start(info) ?? throw new XunitException($"could not start {program}");
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var sync = new object();
        void Write(string? line) { if (line is null) return; lock (sync) { try { log.WriteLine(line); } catch (ObjectDisposedException) { } } }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => { process.WaitForExit(); lock (sync) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills a started program and waits for it; never throws (used in Dispose).</summary>
    public static void Stop(Process? process)
    {
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        catch (InvalidOperationException) { }
        process.Dispose();
    }

    static ProcessStartInfo Info(string program, string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }
}
