using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vifibnet.Lab;

/// <summary>
/// TCP connections made from inside a network namespace by a process living outside it: a short-lived
/// thread joins the namespace (setns) and creates the socket there; a socket keeps the namespace it was
/// made in. Lets the lab talk HTTP to a registry that only exists inside its namespaces, without
/// joining the root namespace to the test network.
/// </summary>
public static class NamespaceSocket
{
    const int CloneNewNet = 0x40000000;

    /// <summary>A connected TCP stream to <paramref name="endpoint"/> as seen from namespace <paramref name="ns"/>.</summary>
    public static Task<Stream> ConnectAsync(string ns, EndPoint endpoint, CancellationToken cancel)
    {
        var done = new TaskCompletionSource<Stream>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Join(ns);
                var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Connect(endpoint);
                    done.TrySetResult(new NetworkStream(socket, ownsSocket: true));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }) { IsBackground = true, Name = $"connect in {ns}" };
        thread.Start();
        return done.Task.WaitAsync(cancel);
    }

    /// <summary>An HTTP client whose every connection is made inside <paramref name="ns"/>.</summary>
    public static HttpClient HttpClientIn(string ns, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var host = context.DnsEndPoint.Host.Trim('[', ']');
                var address = IPAddress.Parse(host);
                return await ConnectAsync(ns, new IPEndPoint(address, context.DnsEndPoint.Port), cancel);
            },
            PooledConnectionLifetime = TimeSpan.FromSeconds(5),
        }) { Timeout = timeout };

    static void Join(string ns)
    {
        var path = Path.Combine("/run/netns", ns);
        var fd = open(path, 0x80000 /* O_CLOEXEC */);
        if (fd < 0) throw new IOException($"cannot open network namespace {path} (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            // Only this thread moves; the thread ends right after creating its socket.
            if (setns(fd, CloneNewNet) != 0)
                throw new IOException($"cannot join network namespace {ns} (errno {Marshal.GetLastPInvokeError()}): run as root");
        }
        finally
        {
            _ = close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int setns(int fd, int nstype);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);
}
