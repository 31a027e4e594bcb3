using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vifibnet.Nat;
using Xunit.Sdk;

namespace Vifibnet.Tests.Nat;

/// <summary>
/// A network namespace made for a test (named with this suite's "vu-" prefix) and deleted on
/// Dispose. <see cref="OpenSocket"/> opens a socket inside it from this process, so the engine's
/// UPnP client runs in-process while its traffic stays in the namespace.
/// </summary>
sealed class NetworkNamespace : IDisposable
{
    const int CloneNewNet = 0x40000000;
    const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC

    public string Name { get; }

    NetworkNamespace(string name) => Name = name;

    public static NetworkNamespace Create(string name)
    {
        if (!name.StartsWith("vu-", StringComparison.Ordinal)) throw new ArgumentException("this suite only makes vu-* namespaces", nameof(name));
        Shell.Run("ip", "netns", "add", name);
        var ns = new NetworkNamespace(name);
        ns.Ip("link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Runs `ip -n NAME ...`.</summary>
    public string Ip(params string[] args) => Shell.Run("ip", ["-n", Name, .. args]);

    /// <summary>Runs a program inside the namespace and waits for it.</summary>
    public string Exec(params string[] args) => Shell.Run("ip", ["netns", "exec", Name, .. args]);

    /// <summary>Starts a long-running program inside the namespace (`ip netns exec` execs it: the pid is the program's).</summary>
    public Process Start(string logFile, params string[] args) => Shell.Start(logFile, "ip", ["netns", "exec", Name, .. args]);

    /// <summary>The engine's socket opener for this namespace.</summary>
    public SocketOpener Sockets => OpenSocket;

    /// <summary>
    /// Opens a socket inside the namespace: this thread joins it just for the socket() call and
    /// goes back. A socket keeps the namespace it was made in, whichever thread uses it later.
    /// </summary>
    public Socket OpenSocket(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var home = open("/proc/thread-self/ns/net", ReadOnlyCloseOnExec);
        if (home < 0) throw new XunitException($"cannot open this thread's network namespace (errno {Marshal.GetLastPInvokeError()})");
        var target = open($"/run/netns/{Name}", ReadOnlyCloseOnExec);
        try
        {
            if (target < 0) throw new XunitException($"namespace {Name} is gone (errno {Marshal.GetLastPInvokeError()})");
            if (setns(target, CloneNewNet) != 0) throw new XunitException($"setns into {Name} failed (errno {Marshal.GetLastPInvokeError()})");
            try
            {
                return new Socket(family, type, protocol);
            }
            finally
            {
                // A thread-pool thread left in the test namespace would poison unrelated work.
                if (setns(home, CloneNewNet) != 0) Environment.FailFast($"could not return a thread from namespace {Name}");
            }
        }
        finally
        {
            if (target >= 0) close(target);
            close(home);
        }
    }

    public void Dispose()
    {
        try { Shell.Run("ip", "netns", "del", Name); }
        catch (XunitException) { /* already gone */ }
    }

    [DllImport("libc", SetLastError = true)] static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] static extern int setns(int fd, int nstype);
}
