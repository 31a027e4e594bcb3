using System.Management.Automation;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.PowerShell.Hosting;

namespace Vifibnet.PowerShell;

/// <summary>
/// Start-VifibNode -AsJob: the node daemon's RunAsync in this process. Log records become the job's
/// records (trace/debug → Debug, info → Verbose and Information, warning → Warning, error → Error);
/// errors logged while the daemon starts are held back, so a failed start shows its reason first.
/// </summary>
public sealed class NodeJob : VifibJob
{
    readonly NodeOptions options;
    readonly List<LogRecord> heldErrors = [];

    internal NodeJob(string command, NodeOptions options) : base(command, "VifibNode", "VifibNodeJob")
    {
        this.options = options;
        Path = System.IO.Path.GetFullPath(options.StateDir);
        Daemon = new NodeDaemon(options, new Logger(Verbosity.MinimumLevel(options.Verbose), Record));
    }

    /// <summary>The node's state directory: pipes into Get-VifibNodeStatus, Get-VifibTunnel, Update-VifibPeers.</summary>
    public string Path { get; }

    /// <summary>The daemon: its state and identity.</summary>
    public NodeDaemon Daemon { get; }

    public override string Location => Path;
    public override string StatusMessage => Daemon.State.ToString();

    protected override async Task RunAsync(CancellationToken cancel)
    {
        try
        {
            await Daemon.RunAsync(cancel);
        }
        finally
        {
            // Started or not, what was held back is shown now (a failed start's own record is already first).
            lock (heldErrors)
            {
                foreach (var r in heldErrors.Where(r => !IsStartFailureLine(r))) AddError(r);
                heldErrors.Clear();
            }
        }
    }

    protected override ErrorRecord FailureRecord(Exception e) => StartVifibNodeCommand.StartFailure(e);

    void Record(LogRecord r)
    {
        if (r.Level >= LogLevel.Error)
        {
            lock (heldErrors)
            {
                if (Daemon?.State is null or NodeState.Starting) { heldErrors.Add(r); return; }
            }
            AddError(r);
            return;
        }
        PipelineLog.Map(r, "", text => Debug.Add(new DebugRecord(text)), text =>
        {
            Verbose.Add(new VerboseRecord(text));
            Information.Add(new InformationRecord(text, r.Source));
        }, text => Warning.Add(new WarningRecord(text)), _ => { });
    }

    void AddError(LogRecord r) =>
        PipelineLog.Map(r, "StartVifibNodeDaemonError", _ => { }, _ => { }, _ => { }, Error.Add);

    // The daemon logs "node cannot start: ..." before it throws; the job's failure record says the same, typed.
    static bool IsStartFailureLine(LogRecord r) => r.Message.StartsWith("node cannot start:", StringComparison.Ordinal);
}
