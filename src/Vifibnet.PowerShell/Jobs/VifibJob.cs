using System.Collections.Concurrent;
using System.Management.Automation;
using Vifibnet.PowerShell.Hosting;

namespace Vifibnet.PowerShell;

/// <summary>
/// What node and registry jobs share (the Job2 shape of PowerShell's ThreadJob): the work runs in
/// this process until it ends or Stop-Job cancels it; a failure is the job's Failed state with the
/// reason in JobStateInfo.Reason and first in its Error stream; the job is known to
/// <see cref="VifibJobSourceAdapter"/> so Remove-Job and Receive-Job -AutoRemoveJob work; and
/// PowerShell exiting stops it like Stop-Job (<see cref="RunningWork"/>).
/// </summary>
public abstract class VifibJob : Job2
{
    readonly CancellationTokenSource stop = new();
    Task? run;
    IDisposable? tracked;

    protected VifibJob(string command, string name, string typeName) : base(command, name)
    {
        PSJobTypeName = typeName;
        VifibJobSourceAdapter.Add(this);
    }

    /// <summary>The work itself; returns when done or when <paramref name="cancel"/> fires.</summary>
    protected abstract Task RunAsync(CancellationToken cancel);

    /// <summary>The record that says why the work failed (a stable error id).</summary>
    protected abstract ErrorRecord FailureRecord(Exception e);

    public override bool HasMoreData => Output.Count + Error.Count + Warning.Count + Verbose.Count + Debug.Count + Information.Count > 0;

    public override void StartJob()
    {
        SetJobState(JobState.Running);
        tracked = RunningWork.Track(() => Task.Run(() => StopJob()));
        run = Task.Run(() => RunAsync(stop.Token));
        _ = run.ContinueWith(Ended, TaskScheduler.Default);
    }

    void Ended(Task t)
    {
        tracked?.Dispose();
        if (t.Exception?.GetBaseException() is { } e && !(e is OperationCanceledException && stop.IsCancellationRequested))
        {
            var record = FailureRecord(e);
            Error.Add(record);
            SetJobStateWithReason(JobState.Failed, record.Exception);
        }
        else if (stop.IsCancellationRequested) SetJobState(JobState.Stopped);
        else SetJobState(JobState.Completed);
        OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
    }

    public override void StopJob() => StopJob(false, "");

    public override void StopJob(bool force, string reason)
    {
        if (IsFinished(JobStateInfo.State) || run is null) return;
        SetJobState(JobState.Stopping);
        stop.Cancel();
        // The work ends its children before it returns: a stopped job leaves no process behind.
        try { run.Wait(TimeSpan.FromSeconds(60)); } catch (AggregateException) { }
        // Ended() sets the final state; wait for it so Stop-Job returns a finished job.
        SpinWait.SpinUntil(() => IsFinished(JobStateInfo.State), TimeSpan.FromSeconds(5));
    }

    public override void StartJobAsync() => StartJob();
    public override void StopJobAsync() => Task.Run(() => StopJob());
    public override void StopJobAsync(bool force, string reason) => Task.Run(() => StopJob(force, reason));

    public override void SuspendJob() => throw new NotSupportedException($"a {PSJobTypeName} cannot be suspended: stop it with Stop-Job");
    public override void SuspendJobAsync() => SuspendJob();
    public override void SuspendJob(bool force, string reason) => SuspendJob();
    public override void SuspendJobAsync(bool force, string reason) => SuspendJob();
    public override void ResumeJob() => throw new NotSupportedException($"a {PSJobTypeName} cannot be suspended or resumed");
    public override void ResumeJobAsync() => ResumeJob();
    public override void UnblockJob() => throw new NotSupportedException($"a {PSJobTypeName} never blocks");
    public override void UnblockJobAsync() => UnblockJob();

    // Job2.SetJobState(state, reason) is public API of PowerShell 7 (JobStateInfo.Reason) but missing from
    // PowerShellStandard.Library's reference assembly, so it is found at run time.
    static readonly System.Reflection.MethodInfo? setStateWithReason = typeof(Job2).GetMethod("SetJobState",
        System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
        null, [typeof(JobState), typeof(Exception)], null);

    void SetJobStateWithReason(JobState state, Exception reason)
    {
        if (setStateWithReason is null) SetJobState(state);
        else setStateWithReason.Invoke(this, [state, reason]);
    }

    static bool IsFinished(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Stopped;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopJob();
            VifibJobSourceAdapter.Remove(this);
            stop.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// Lets PowerShell's job manager find the module's jobs: Remove-Job and Receive-Job -AutoRemoveJob
/// ask the adapters, and a job no adapter knows cannot be removed that way.
/// </summary>
public sealed class VifibJobSourceAdapter : JobSourceAdapter
{
    static readonly ConcurrentDictionary<Guid, Job2> jobs = new();

    public VifibJobSourceAdapter() => Name = nameof(VifibJobSourceAdapter);

    /// <summary>
    /// Makes the job manager ask this adapter. JobManager.RegisterJobSourceAdapter is public in PowerShell 7
    /// but missing from PowerShellStandard.Library's reference assembly, so it is found at run time.
    /// </summary>
    internal static void RegisterWith(JobManager manager) =>
        manager.GetType().GetMethod("RegisterJobSourceAdapter", [typeof(Type)])?.Invoke(manager, [typeof(VifibJobSourceAdapter)]);

    internal static void Add(Job2 job) => jobs[job.InstanceId] = job;
    internal static void Remove(Job2 job) => jobs.TryRemove(job.InstanceId, out _);

    public override Job2 NewJob(JobInvocationInfo specification) =>
        throw new NotSupportedException("Vifibnet jobs are started by Start-VifibNode -AsJob and Start-VifibRegistry -AsJob");

    public override IList<Job2> GetJobs() => [.. jobs.Values];
    public override IList<Job2> GetJobsByName(string name, bool recurse) => Where(j => WildcardPattern.Get(name, WildcardOptions.IgnoreCase).IsMatch(j.Name));
    public override IList<Job2> GetJobsByCommand(string command, bool recurse) => Where(j => WildcardPattern.Get(command, WildcardOptions.IgnoreCase).IsMatch(j.Command));
    public override IList<Job2> GetJobsByState(JobState state, bool recurse) => Where(j => j.JobStateInfo.State == state);
    public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) => [];
    public override Job2? GetJobByInstanceId(Guid instanceId, bool recurse) => jobs.TryGetValue(instanceId, out var j) ? j : null;
    public override Job2? GetJobBySessionId(int id, bool recurse) => jobs.Values.FirstOrDefault(j => j.Id == id);

    public override void RemoveJob(Job2 job)
    {
        if (!jobs.TryRemove(job.InstanceId, out _)) return;
        job.StopJob();
        job.Dispose();
    }

    static List<Job2> Where(Func<Job2, bool> match) => [.. jobs.Values.Where(match)];
}
