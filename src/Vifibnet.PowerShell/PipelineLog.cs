using System.Collections.Concurrent;
using System.Management.Automation;
using Vifibnet.Logging;

namespace Vifibnet.PowerShell;

/// <summary>
/// Carries Core's log records to a cmdlet's streams. Records may arrive on any thread, but a cmdlet
/// may only write from its pipeline thread: they are queued here and written by <see cref="Drain"/>,
/// which the cmdlet calls on its own thread. Trace and debug go to Debug, info to Verbose,
/// warnings to Warning, errors to Error (non-terminating; the cmdlet decides what is fatal).
/// </summary>
public sealed class PipelineLog
{
    readonly ConcurrentQueue<LogRecord> queue = new();
    readonly AutoResetEvent arrived = new(false);

    /// <summary>A logger whose records land in this queue (level: everything; the PowerShell preferences filter).</summary>
    public Logger Logger { get; }

    public PipelineLog(LogLevel minimumLevel = LogLevel.Trace) =>
        Logger = new Logger(minimumLevel, record => { queue.Enqueue(record); arrived.Set(); });

    /// <summary>Signalled whenever a record is queued: lets a waiting cmdlet wake up and drain.</summary>
    public WaitHandle Arrived => arrived;

    /// <summary>Writes every queued record to the cmdlet's streams. Call on the pipeline thread only.</summary>
    public void Drain(Cmdlet cmdlet)
    {
        while (queue.TryDequeue(out var record))
        {
            var text = record.Exception is null ? $"{record.Source}: {record.Message}" : $"{record.Source}: {record.Message} ({record.Exception.Message})";
            switch (record.Level)
            {
                case LogLevel.Trace: cmdlet.WriteDebug("TRACE " + text); break;
                case LogLevel.Debug: cmdlet.WriteDebug(text); break;
                case LogLevel.Info: cmdlet.WriteVerbose(text); break;
                case LogLevel.Warning: cmdlet.WriteWarning(text); break;
                default:
                    cmdlet.WriteError(new ErrorRecord(record.Exception ?? new InvalidOperationException(record.Message),
                        "VifibnetLoggedError", ErrorCategory.NotSpecified, record.Source));
                    break;
            }
        }
    }
}
