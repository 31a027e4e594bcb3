using System.Collections.Concurrent;
using System.Management.Automation;

namespace Vifibnet.PowerShell;

/// <summary>
/// Lets Core work run off the pipeline thread while everything PowerShell-facing (prompts through
/// the host, log records to the streams) still happens on it: <see cref="Run{T}"/> pumps queued
/// calls on the pipeline thread until the work is done; <see cref="Invoke{T}"/> queues a call from
/// any thread and waits for its answer.
/// </summary>
public sealed class PipelineDispatcher(Cmdlet cmdlet, PipelineLog log)
{
    readonly BlockingCollection<Action> calls = new();

    /// <summary>Runs <paramref name="call"/> on the pipeline thread (called from a worker thread) and returns its result.</summary>
    public T Invoke<T>(Func<T> call)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        calls.Add(() =>
        {
            try { answer.SetResult(call()); }
            catch (Exception e) { answer.SetException(e); }
        });
        return answer.Task.GetAwaiter().GetResult();
    }

    /// <summary>Starts the work and serves its calls and log records on this (the pipeline) thread until it ends.</summary>
    public T Run<T>(Func<Task<T>> work)
    {
        var task = Task.Run(work);
        while (!task.IsCompleted)
        {
            if (calls.TryTake(out var call, 50)) call();
            log.Drain(cmdlet);
        }
        while (calls.TryTake(out var call)) call();
        log.Drain(cmdlet);
        return task.GetAwaiter().GetResult();
    }
}
