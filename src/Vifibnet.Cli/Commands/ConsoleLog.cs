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

    /// <summary>SIGHUP → reopen every log file; without this registration SIGHUP would end the process.</summary>
    public static PosixSignalRegistration ReopenOnHangup() =>
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal => { signal.Cancel = true; FileLogSink.ReopenAll(); });
}
