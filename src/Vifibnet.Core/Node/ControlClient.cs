using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vifibnet.Configuration;
using Vifibnet.Nat;
using Vifibnet.Protocol;
using Vifibnet.Tunnels;

namespace Vifibnet.Node;

/// <summary>Asks a running node, through its control socket, for its tunnels or a peer DB update.</summary>
public static class ControlClient
{
    internal static readonly JsonSerializerOptions Json = SourceGeneratedJson.Options(ControlJsonContext.Default);

    /// <summary>The answers' JSON as people read it (the CLI's --json): indented.</summary>
    public static readonly JsonSerializerOptions IndentedJson = SourceGeneratedJson.Options(ControlJsonContext.Default, o => o.WriteIndented = true);

    /// <summary>The running node at a glance: identity, advertised address, tunnel counts, UPnP, registry contact.</summary>
    public static async Task<NodeStatus> GetStatusAsync(string stateDir, CancellationToken cancel = default) =>
        await RequestAsync<NodeStatus>(stateDir, "status", cancel).ConfigureAwait(false);

    /// <summary>The running node's tunnels (client and server); throws <see cref="NodeNotRunningException"/>.</summary>
    public static async Task<IReadOnlyList<TunnelInfo>> GetTunnelsAsync(string stateDir, CancellationToken cancel = default) =>
        await RequestAsync<List<TunnelInfo>>(stateDir, "tunnels", cancel).ConfigureAwait(false);

    /// <summary>Makes the running node declare and refresh its peer DB now.</summary>
    public static async Task<PeersUpdateResult> UpdatePeersAsync(string stateDir, CancellationToken cancel = default) =>
        await RequestAsync<PeersUpdateResult>(stateDir, "peers update", cancel).ConfigureAwait(false);

    /// <summary>The running node's peer DB with each peer's source (registry or peer exchange).</summary>
    public static async Task<IReadOnlyList<PeerListing>> GetPeersAsync(string stateDir, CancellationToken cancel = default) =>
        await RequestAsync<List<PeerListing>>(stateDir, "peers", cancel).ConfigureAwait(false);

    /// <summary>The running node's UPnP port forwarding: gateway, external address, mappings, last error.</summary>
    public static async Task<NatStatusView> GetPortForwardingAsync(string stateDir, CancellationToken cancel = default) =>
        await RequestAsync<NatStatusView>(stateDir, "upnp", cancel).ConfigureAwait(false);

    /// <summary>Asks the running node to renew its certificate now.</summary>
    public static async Task<RenewalResult> RenewAsync(string stateDir, CancellationToken cancel = default) =>
        await RequestAsync<RenewalResult>(stateDir, "renew", cancel).ConfigureAwait(false);

    /// <summary>True when a node answers on the state directory's control socket.</summary>

    public static bool IsRunning(string stateDir)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(NodeOptions.ControlSocketIn(stateDir)));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static async Task<T> RequestAsync<T>(string stateDir, string request, CancellationToken cancel)
    {
        var path = NodeOptions.ControlSocketIn(stateDir);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancel).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new NodeNotRunningException(stateDir, path, e);
        }
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n"), cancel).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync(cancel).ConfigureAwait(false)
            ?? throw new NodeDaemonException(NodeErrorKind.NoAnswer, $"the node on {path} closed the connection without answering '{request}'");
        using var doc = JsonDocument.Parse(line);
        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error))
            throw new NodeDaemonException(NodeErrorKind.RequestFailed, $"the node on {path} could not do '{request}': {error.GetString()}");
        return doc.RootElement.Deserialize(SourceGeneratedJson.Info<T>(Json))
            ?? throw new NodeDaemonException(NodeErrorKind.NoAnswer, $"the node on {path} answered '{request}' with nothing");
    }
}
