using System.Net;
using System.Net.Sockets;

namespace Vifibnet.Tests.Support;

public static class FreePort
{
    /// <summary>A TCP port free on loopback right now (for servers that cannot be told to pick one).</summary>
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
