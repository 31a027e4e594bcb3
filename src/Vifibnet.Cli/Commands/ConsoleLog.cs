using System.Runtime.InteropServices;
using Vifibnet.Logging;

namespace Vifibnet.Cli.Commands;

/// <summary>
/// Where the long-running commands (node, registry) log: under systemd, stdout in the journal's
/// format (no timestamp, a priority prefix); otherwise stderr with timestamps, beside the log files.
/// SIGHUP reopens the log files (logrotate's postrotate sends it).
/// </summary>
public static class ConsoleLog
{
    public static bool UnderSystemd => Journal.UnderSystemd();

    public static Action<LogRecord> Sink(CommandContext context)
    {
        if (UnderSystemd) return record => { lock (context.Out) context.Out.WriteLine(Journal.Line(record)); };
        return record => { lock (context.Error) context.Error.WriteLine(record.ToString()); };
    }

    /// <summary>
    /// SIGHUP → reopen every log file (logged, so an operator sees logrotate's postrotate worked); without this
    /// registration SIGHUP would end the process.
    /// </summary>
    public static PosixSignalRegistration ReopenOnHangup(Logger log)
    {
        // A SIGHUP ignored by whoever started us (nohup, a CI runner, `trap '' HUP`) is inherited, and .NET then
        // never calls the handler: logrotate's SIGHUP would be lost and the daemon would write into the rotated
        // file forever. This handler never ends the process, so the default is restored before registering.
        signal(SIGHUP, SIG_DFL);
        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            log.Info($"SIGHUP: reopened {FileLogSink.ReopenAll()} log files");
        });
    }

    const int SIGHUP = 1;
    const nint SIG_DFL = 0;

    [DllImport("libc")]
    static extern nint signal(int signum, nint handler);
}
