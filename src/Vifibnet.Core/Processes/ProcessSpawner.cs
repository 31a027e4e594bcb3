using System.Collections.Concurrent;
using System.Diagnostics;

namespace Vifibnet.Processes;

/// <summary>
/// Starts long-running children so that they never outlive this process: each is started through
/// util-linux's `setpriv --pdeathsig TERM`, so the kernel sends it SIGTERM when we die, even by
/// SIGKILL (a pwsh killed by systemd, a script that exits with a job running). The death signal is
/// tied to the thread that forked the child, not the process: a thread-pool thread that retires
/// would take the children with it. So every start happens on one thread that lives as long as
/// the process. Each child also runs under umask 077: openvpn and babeld create their sockets, pid
/// and state files for the node's owner only, whatever the umask of the shell that started us (.NET
/// cannot set a child's umask, and setting ours would race with every other thread's files).
/// </summary>
public static class ProcessSpawner
{
    const string Setpriv = "/usr/bin/setpriv";
    const string Shell = "/bin/sh";
    static readonly BlockingCollection<Action> starts = new();
    static readonly Lazy<bool> canTieToParent = new(() => File.Exists(Setpriv));
    static readonly Lazy<bool> canSetUmask = new(() => File.Exists(Shell));

    static ProcessSpawner()
    {
        var thread = new Thread(() => { foreach (var start in starts.GetConsumingEnumerable()) start(); })
        {
            IsBackground = true,
            Name = "vifibnet child starter",
        };
        thread.Start();
    }

    /// <summary>False when setpriv is missing: children are started plainly and could outlive us.</summary>
    public static bool TiesChildrenToParent => canTieToParent.Value;

    /// <summary>Starts <paramref name="process"/> (its StartInfo as given), tied to this process's life.</summary>
    public static void Start(Process process)
    {
        // A program that cannot be found is started plainly, so Process.Start names it in its own error.
        if (Tools.IsStartable(process.StartInfo.FileName)) Wrap(process.StartInfo);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        starts.Add(() =>
        {
            try
            {
                process.Start();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        done.Task.GetAwaiter().GetResult();
    }

    /// <summary>sh -c 'umask 077 &amp;&amp; exec "$@"' sh setpriv --pdeathsig TERM -- PROGRAM ARGS: one pid throughout.</summary>
    static void Wrap(ProcessStartInfo info)
    {
        List<string> prefix = [];
        if (canSetUmask.Value) prefix.AddRange([Shell, "-c", "umask 077 && exec \"$@\"", "sh"]);
        if (TiesChildrenToParent) prefix.AddRange([Setpriv, "--pdeathsig", "TERM", "--"]);
        if (prefix.Count == 0) return;
        info.ArgumentList.Insert(0, info.FileName);
        for (var i = prefix.Count - 1; i >= 1; i--) info.ArgumentList.Insert(0, prefix[i]);
        info.FileName = prefix[0];
    }
}
