using System.Management.Automation;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.PowerShell;

/// <summary>
/// Start-VifibRegistry -AsJob: the supervised `vifibnet registry` process as a PowerShell job.
/// Its log lines are the job's output, restarts after a crash its warnings; Stop-Job sends it SIGTERM
/// (then kills it after 10 s).
/// </summary>
public sealed class RegistryJob : Job
{
    readonly ProcessSupervisor supervisor;
    readonly CancellationTokenSource stop = new();
    readonly Task<int> run;
    readonly string location;

    internal RegistryJob(string command, string file, IReadOnlyList<string> arguments, string location) : base(command, "VifibRegistry")
    {
        this.location = location;
        PSJobTypeName = "VifibRegistryJob";
        supervisor = new ProcessSupervisor("vifibnet registry", file, arguments, line => Output.Add(PSObject.AsPSObject(line)),
            new Logger(Logging.LogLevel.Info, record =>
            {
                if (record.Level >= Logging.LogLevel.Warning) Warning.Add(new WarningRecord(record.Message));
                else Verbose.Add(new VerboseRecord(record.Message));
            }));
        SetJobState(JobState.Running);
        run = Task.Run(() => supervisor.RunAsync(stop.Token));
        _ = run.ContinueWith(t =>
        {
            if (JobStateInfo.State is JobState.Stopping or JobState.Stopped) return;
            if (t.IsCompletedSuccessfully && t.Result == 0)
            {
                SetJobState(JobState.Completed);
                return;
            }
            Exception why = t.Exception?.InnerException ?? new InvalidOperationException($"vifibnet registry exited with code {t.Result}");
            Error.Add(new ErrorRecord(why, "StartVifibRegistryExited", ErrorCategory.InvalidResult, location));
            SetJobState(JobState.Failed);
        }, TaskScheduler.Default);
    }

    public override string StatusMessage =>
        run.IsCompleted ? "exited"
        : supervisor.Pid is { } pid ? $"serving (pid {pid}, restarted {supervisor.Restarts} times)"
        : "restarting";

    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0;
    public override string Location => location;

    public override void StopJob()
    {
        SetJobState(JobState.Stopping);
        stop.Cancel();
        try { run.Wait(TimeSpan.FromSeconds(20)); }
        catch (AggregateException) { /* a failure to start is already in Error */ }
        SetJobState(JobState.Stopped);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !run.IsCompleted) stop.Cancel();
        base.Dispose(disposing);
    }
}
