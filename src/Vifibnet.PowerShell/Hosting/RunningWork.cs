using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Vifibnet.PowerShell.Hosting;

/// <summary>
/// Everything the module is running (node daemons, registry supervisors, in jobs or in the
/// foreground), so that none outlives PowerShell: when the process exits (a script ends with a job
/// running, pwsh gets SIGTERM) each is stopped the same way Stop-Job stops it. Children are also
/// tied to the process by the kernel (Core's ProcessSpawner) for the SIGKILL case, where no
/// code of ours runs; this is what removes the lo address and UPnP mappings too.
/// </summary>
static class RunningWork
{
    static readonly ConcurrentDictionary<long, Func<Task>> running = new();
    static long next;

    /// <summary>How long exit waits for everything to stop (a daemon ends its children within seconds).</summary>
    static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(30);

    /// <summary>Tracks one running thing until the returned handle is disposed; <paramref name="stop"/> ends it.</summary>
    public static IDisposable Track(Func<Task> stop)
    {
        var id = Interlocked.Increment(ref next);
        running[id] = stop;
        return new Untrack(id);
    }

    static PosixSignalRegistration? onSigterm;

    /// <summary>
    /// Stops everything when PowerShell exits normally, and on SIGTERM (systemd stopping a pwsh), where
    /// the runtime terminates without ProcessExit handlers: the stop runs first, then the default action.
    /// </summary>
    public static void StopAllOnExit()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => StopAll());
    }

    static void StopAll()
    {
        var stops = running.Values.Select(stop => Task.Run(stop)).ToArray();
        try { Task.WaitAll(stops, ExitGrace); }
        catch (AggregateException) { /* exiting anyway: the kernel's death signal ends the children */ }
    }

    sealed class Untrack(long id) : IDisposable
    {
        public void Dispose() => running.TryRemove(id, out _);
    }
}
