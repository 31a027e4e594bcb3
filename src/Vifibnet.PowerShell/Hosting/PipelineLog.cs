using System.Collections.Concurrent;
using System.Management.Automation;
using Vifibnet.Logging;

namespace Vifibnet.PowerShell.Hosting;

/// <summary>
/// Carries Core's log records to PowerShell streams. Records arrive on any thread but a cmdlet may
/// only write from its pipeline thread: they are queued and written by <see cref="Drain"/>. One
/// mapping for cmdlets and jobs alike (<see cref="Map"/>): trace and debug → Debug, info → Verbose,
/// warning → Warning, error → Error (non-terminating: the caller decides what is fatal).
/// </summary>
public sealed class PipelineLog
{
    readonly ConcurrentQueue<LogRecord> queue = new();

    /// <summary>A logger whose records land in this queue (everything: the PowerShell preferences filter).</summary>
    public Logger Logger { get; }

    public PipelineLog(LogLevel minimumLevel = LogLevel.Trace) => Logger = new Logger(minimumLevel, queue.Enqueue);

    /// <summary>Writes every queued record to the cmdlet's streams. Pipeline thread only.</summary>
    public void Drain(Cmdlet cmdlet, string errorId)
    {
        while (queue.TryDequeue(out var record))
            Map(record, errorId, cmdlet.WriteDebug, cmdlet.WriteVerbose, cmdlet.WriteWarning, cmdlet.WriteError);
    }

    /// <summary>Routes one record to the stream its level belongs to.</summary>
    public static void Map(LogRecord record, string errorId, Action<string> debug, Action<string> verbose, Action<string> warning, Action<ErrorRecord> error)
    {
        var text = Text(record);
        switch (record.Level)
        {
            case LogLevel.Trace: debug("TRACE " + text); break;
            case LogLevel.Debug: debug(text); break;
            case LogLevel.Info: verbose(text); break;
            case LogLevel.Warning: warning(text); break;
            default:
                error(new ErrorRecord(record.Exception ?? new InvalidOperationException(record.Message), errorId, ErrorCategory.NotSpecified, record.Source)
                {
                    ErrorDetails = new ErrorDetails(text),
                });
                break;
        }
    }

    public static string Text(LogRecord r) =>
        r.Exception is null ? $"{r.Source}: {r.Message}" : $"{r.Source}: {r.Message} ({r.Exception.Message})";
}
