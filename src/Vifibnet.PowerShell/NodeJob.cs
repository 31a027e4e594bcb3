using System.Management.Automation;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Node;

namespace Vifibnet.PowerShell;

/// <summary>
/// Start-VifibNode -AsJob: the node daemon's RunAsync in this process, as a job (the Job2 shape of
/// PowerShell's ThreadJob). Log records become the job's records: trace and debug → Debug, info →
/// Verbose and Information, warning → Warning, error → Error. Stop-Job cancels the daemon, which
/// ends every openvpn and babeld child before the job reports Stopped.
/// </summary>
public sealed class NodeJob : Job2
{
    readonly NodeOptions options;
    readonly CancellationTokenSource stop = new();
    Task? run;

    internal NodeJob(string command, NodeOptions options) : base(command, "VifibNode")
    {
        this.options = options;
        PSJobTypeName = "VifibNodeJob";
    }

    /// <summary>The daemon, once started: its state and identity.</summary>
    public NodeDaemon? Daemon { get; private set; }

    public override string Location => System.IO.Path.GetFullPath(options.StateDir);
    public override string StatusMessage => Daemon?.State.ToString() ?? "NotStarted";
    public override bool HasMoreData => Output.Count + Error.Count + Warning.Count + Verbose.Count + Debug.Count + Information.Count > 0;

    public override void StartJob()
    {
        var log = new Logger(Verbosity.MinimumLevel(options.Verbose), Record);
        Daemon = new NodeDaemon(options, log);
        SetJobState(JobState.Running);
        run = Task.Run(() => Daemon.RunAsync(stop.Token));
        _ = run.ContinueWith(DaemonEnded, TaskScheduler.Default);
    }

    void Record(LogRecord r)
    {
        var text = r.Exception is null ? $"{r.Source}: {r.Message}" : $"{r.Source}: {r.Message} ({r.Exception.Message})";
        switch (r.Level)
        {
            case LogLevel.Trace or LogLevel.Debug: Debug.Add(new DebugRecord(text)); break;
            case LogLevel.Info:
                Verbose.Add(new VerboseRecord(text));
                Information.Add(new InformationRecord(text, r.Source));
                break;
            case LogLevel.Warning: Warning.Add(new WarningRecord(text)); break;
            default:
                Error.Add(new ErrorRecord(r.Exception ?? new InvalidOperationException(r.Message), "VifibNodeLoggedError", ErrorCategory.NotSpecified, r.Source));
                break;
        }
    }

    void DaemonEnded(Task t)
    {
        if (t.Exception?.GetBaseException() is { } e)
        {
            Error.Add(StartVifibNodeCommand.StartError(e));
            SetJobState(JobState.Failed);
        }
        else if (JobStateInfo.State is JobState.Stopping) SetJobState(JobState.Stopped);
        else SetJobState(JobState.Completed);
        OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
    }

    public override void StopJob() => StopJob(false, "");

    public override void StopJob(bool force, string reason)
    {
        if (IsFinished(JobStateInfo.State)) return;
        SetJobState(JobState.Stopping);
        stop.Cancel();
        // The daemon ends its children before RunAsync returns: a stopped job leaves no process behind.
        try { run?.Wait(TimeSpan.FromSeconds(60)); } catch (AggregateException) { }
    }

    public override void StartJobAsync() => StartJob();
    public override void StopJobAsync() => Task.Run(() => StopJob());
    public override void StopJobAsync(bool force, string reason) => Task.Run(() => StopJob(force, reason));

    public override void SuspendJob() => throw new NotSupportedException("a node job cannot be suspended: stop it with Stop-Job");
    public override void SuspendJobAsync() => SuspendJob();
    public override void SuspendJob(bool force, string reason) => SuspendJob();
    public override void SuspendJobAsync(bool force, string reason) => SuspendJob();
    public override void ResumeJob() => throw new NotSupportedException("a node job cannot be suspended or resumed");
    public override void ResumeJobAsync() => ResumeJob();
    public override void UnblockJob() => throw new NotSupportedException("a node job never blocks");
    public override void UnblockJobAsync() => UnblockJob();

    static bool IsFinished(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Stopped;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopJob();
            stop.Dispose();
        }
        base.Dispose(disposing);
    }
}
