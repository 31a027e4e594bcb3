using System.Net;
using System.Net.Sockets;

namespace Vifibnet.Nat;

/// <summary>The sockets and HTTP client of the UPnP client, all opened through one <see cref="SocketOpener"/>.</summary>
public static class NatSockets
{
    /// <summary>Opens sockets in this process's own network namespace.</summary>
    public static SocketOpener Default { get; } = (family, type, protocol) => new Socket(family, type, protocol);

    /// <summary>
    /// An HttpClient for a LAN gateway: no proxy (a gateway is never behind one), a bounded
    /// timeout, and every connection opened through <paramref name="open"/>.
    /// </summary>
    public static HttpClient CreateHttpClient(SocketOpener? open = null, TimeSpan? timeout = null)
    {
        var opener = open ?? Default;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = timeout ?? TimeSpan.FromSeconds(5),
            // Gateways restart and drop idle connections; don't hold on to them.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = async (context, cancel) =>
            {
                var address = await ResolveAsync(context.DnsEndPoint.Host, cancel).ConfigureAwait(false);
                var socket = opener(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.NoDelay = true;
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancel).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
    }

    /// <summary>
    /// Our address on the link toward the gateway: the local end the kernel picks for a socket
    /// aimed at it (a connected UDP socket sends nothing). This is the internal client to map to.
    /// </summary>
    public static async Task<IPAddress> LocalAddressTowardAsync(Uri gateway, SocketOpener? open = null, CancellationToken cancel = default)
    {
        var address = await ResolveAsync(gateway.IdnHost, cancel).ConfigureAwait(false);
        using var socket = (open ?? Default)(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(new IPEndPoint(address, gateway.Port));
        return ((IPEndPoint)socket.LocalEndPoint!).Address;
    }

    static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancel)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return literal;
        var addresses = await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new NatException($"gateway host '{host}' has no address");
    }
}
