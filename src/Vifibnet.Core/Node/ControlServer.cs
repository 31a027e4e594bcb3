using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Tunnels;

namespace Vifibnet.Node;

/// <summary>
/// The node's control socket (&lt;state&gt;/vifibnet.sock): one request line in ("tunnels",
/// "peers update"), one JSON line out, so `vifibnet tunnels` and Get-VifibTunnel work from any process.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    readonly Socket listener;
    readonly string path;
    readonly Func<string, CancellationToken, Task<object>> handle;
    readonly Logger log;
    readonly CancellationTokenSource stop = new();
    readonly Task loop;

    ControlServer(Socket listener, string path, Func<string, CancellationToken, Task<object>> handle, Logger log)
    {
        (this.listener, this.path, this.handle, this.log) = (listener, path, handle, log);
        loop = AcceptLoopAsync();
    }

    /// <summary>Listens on <paramref name="path"/>; refuses when another node already answers there.</summary>
    public static ControlServer Start(string path, Func<string, CancellationToken, Task<object>> handle, Logger log)
    {
        if (File.Exists(path))
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new NodeDaemonException(NodeErrorKind.AlreadyRunning, $"another node is already running with this state directory (it answers on {path})");
            }
            catch (SocketException)
            {
                File.Delete(path); // left by a node that did not stop cleanly
            }
        }
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        // Only the node's owner (root) may ask it things.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(16);
        return new ControlServer(listener, path, handle, log);
    }

    async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = ServeAsync(client);
        }
    }

    async Task ServeAsync(Socket client)
    {
        using var _ = client;
        try
        {
            using var stream = new NetworkStream(client, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var request = (await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false))?.Trim() ?? "";
            object answer;
            try { answer = await handle(request, timeout.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException) { answer = new ControlError(e.Message); }
            var json = JsonSerializer.Serialize(answer, TypeInfoOf(answer)) + "\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(json), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            log.Debug($"control request dropped: {e.Message}");
        }
    }

    /// <summary>The JSON metadata of an answer (<see cref="ControlJsonContext"/>); lists by their interface, as listed there.</summary>
    static JsonTypeInfo TypeInfoOf(object answer) => answer switch
    {
        IReadOnlyList<TunnelInfo> => SourceGeneratedJson.Info<IReadOnlyList<TunnelInfo>>(ControlClient.Json),
        IReadOnlyList<PeerListing> => SourceGeneratedJson.Info<IReadOnlyList<PeerListing>>(ControlClient.Json),
        _ => ControlClient.Json.GetTypeInfo(answer.GetType()),
    };

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Dispose();
        await loop.ConfigureAwait(false);
        File.Delete(path);
        stop.Dispose();
    }
}
