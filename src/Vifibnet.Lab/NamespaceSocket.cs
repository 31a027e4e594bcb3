using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vifibnet.Nat;

namespace Vifibnet.Lab;

/// <summary>
/// Sockets made inside a network namespace by a process living outside it: the calling thread joins
/// the namespace (setns) just for the socket() call and goes back; a socket keeps the namespace it was
/// made in, whichever thread uses it later. Lets the lab talk HTTP to a registry, or the UPnP client
/// talk to a gateway, that only exist inside its namespaces, without joining the root namespace to
/// the test network. The lab's only setns.
/// </summary>
public static class NamespaceSocket
{
    const int CloneNewNet = 0x40000000;
    const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC

    /// <summary>Opens a socket inside namespace <paramref name="ns"/>.</summary>
    public static Socket Open(string ns, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var home = open("/proc/thread-self/ns/net", ReadOnlyCloseOnExec);
        if (home < 0) throw new IOException($"cannot open this thread's network namespace (errno {Marshal.GetLastPInvokeError()})");
        var path = Path.Combine("/run/netns", ns);
        var target = open(path, ReadOnlyCloseOnExec);
        try
        {
            if (target < 0) throw new IOException($"cannot open network namespace {path} (errno {Marshal.GetLastPInvokeError()})");
            if (setns(target, CloneNewNet) != 0)
                throw new IOException($"cannot join network namespace {ns} (errno {Marshal.GetLastPInvokeError()}): run as root");
            try
            {
                return new Socket(family, type, protocol);
            }
            finally
            {
                // A thread-pool thread left in a lab namespace would poison unrelated work.
                if (setns(home, CloneNewNet) != 0) Environment.FailFast($"could not return a thread from namespace {ns}");
            }
        }
        finally
        {
            if (target >= 0) _ = close(target);
            _ = close(home);
        }
    }

    /// <summary>The engine's socket opener for namespace <paramref name="ns"/> (UPnP discovery and SOAP from inside it).</summary>
    public static SocketOpener OpenerIn(string ns) => (family, type, protocol) => Open(ns, family, type, protocol);

    /// <summary>An HTTP client whose every connection is made inside <paramref name="ns"/>.</summary>
    public static HttpClient HttpClientIn(string ns, TimeSpan timeout) => NatSockets.CreateHttpClient(OpenerIn(ns), timeout);

    [DllImport("libc", SetLastError = true)]
    static extern int setns(int fd, int nstype);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);
}
