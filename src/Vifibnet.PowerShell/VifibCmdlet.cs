using System.Collections.Concurrent;
using System.Management.Automation;
using Vifibnet.Logging;
using Vifibnet.PowerShell.Hosting;

namespace Vifibnet.PowerShell;

/// <summary>
/// The one base of the module's cmdlets. It owns what each of them needs and none should write
/// again: the cancellation source (Ctrl+C, a pipeline stopped downstream), Core's log records mapped
/// to the PowerShell streams, the pump that runs Core work off the pipeline thread while prompts and
/// records are served on it, and the errors with stable ids (<see cref="ErrorIds"/>).
/// </summary>
public abstract class VifibCmdlet : PSCmdlet, IDisposable
{
    readonly CancellationTokenSource cancel = new();
    readonly BlockingCollection<Action> pipelineCalls = new();

    /// <summary>Cancelled by StopProcessing (Ctrl+C, Stop-Job on a thread job) and when the cmdlet is disposed.</summary>
    protected CancellationToken Cancellation => cancel.Token;

    /// <summary>Core's log records, written to this cmdlet's streams by <see cref="Drain"/>.</summary>
    protected PipelineLog Log { get; } = new();

    /// <summary>A user's path (relative to the current location, ~ expanded) as a file system path.</summary>
    protected string FileSystemPath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>
    /// Runs Core work on a worker thread and, until it ends, serves on this (the pipeline) thread the
    /// calls it makes through <see cref="OnPipelineThread{T}"/> and the log records it writes.
    /// </summary>
    protected T RunAndPump<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(cancel.Token));
        while (!task.IsCompleted)
        {
            if (pipelineCalls.TryTake(out var call, 50)) call();
            Drain();
        }
        while (pipelineCalls.TryTake(out var call)) call();
        Drain();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="call"/> on the pipeline thread from a worker (a prompt through the host).</summary>
    internal T OnPipelineThread<T>(Func<T> call)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipelineCalls.Add(() =>
        {
            try { answer.SetResult(call()); }
            catch (Exception e) { answer.SetException(e); }
        });
        return answer.Task.GetAwaiter().GetResult();
    }

    /// <summary>Writes the queued log records to the streams (pipeline thread only).</summary>
    protected void Drain() => Log.Drain(this, ErrorIds.Id(this, "LoggedError"));

    /// <summary>A failure of one item: a non-terminating error, so -ErrorAction applies and the next item goes on.</summary>
    protected void WriteFailure(Exception e, object? target, string? problem = null)
    {
        Drain();
        WriteError(ErrorIds.Record(this, e, target, problem));
    }

    /// <summary>A failure that ends the command (bad arguments, a foreground run that could not go on).</summary>
    protected void ThrowFailure(Exception e, object? target, string? problem = null)
    {
        Drain();
        ThrowTerminatingError(ErrorIds.Record(this, e, target, problem));
    }

    protected override void StopProcessing() => RequestStop();

    /// <summary>Cancels the work this cmdlet runs (from any thread: PowerShell exiting uses it).</summary>
    protected void RequestStop()
    {
        try { cancel.Cancel(); }
        catch (ObjectDisposedException) { /* already ended */ }
    }

    /// <summary>PowerShell disposes a cmdlet when its pipeline ends, however it ends (Select-Object -First included).</summary>
    public void Dispose()
    {
        RequestStop();
        Dispose(true);
        cancel.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops what this cmdlet runs in the foreground; called once when its pipeline ends.</summary>
    protected virtual void Dispose(bool disposing) { }
}
