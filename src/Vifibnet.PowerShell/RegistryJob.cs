using System.Management.Automation;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.PowerShell;

/// <summary>
/// Start-VifibRegistry -AsJob: the supervised `vifibnet registry` process as a PowerShell job.
/// Its log lines are the job's output; Stop-Job sends it SIGTERM (then kills it after 10 s).
/// </summary>
public sealed class RegistryJob : Job
{
    readonly ChildProcess child;
    readonly string location;

    internal RegistryJob(string command, string file, IEnumerable<string> arguments, string location) : base(command, "VifibRegistry")
    {
        this.location = location;
        PSJobTypeName = "VifibRegistryJob";
        child = ChildProcess.Start("vifibnet registry", file, arguments, null, Logger.Null, line => Output.Add(PSObject.AsPSObject(line)));
        SetJobState(JobState.Running);
        _ = child.Exited.ContinueWith(t =>
        {
            if (JobStateInfo.State is JobState.Stopping or JobState.Stopped) return;
            if (t.Result == 0) SetJobState(JobState.Completed);
            else
            {
                Error.Add(new ErrorRecord(new InvalidOperationException($"vifibnet registry exited with code {t.Result}"),
                    "StartVifibRegistryExited", ErrorCategory.InvalidResult, location));
                SetJobState(JobState.Failed);
            }
        }, TaskScheduler.Default);
    }

    public override string StatusMessage => child.Exited.IsCompleted ? $"exited ({child.Exited.Result})" : $"serving (pid {child.Pid})";
    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0;
    public override string Location => location;

    public override void StopJob()
    {
        SetJobState(JobState.Stopping);
        child.StopAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        SetJobState(JobState.Stopped);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) child.Dispose();
        base.Dispose(disposing);
    }
}
