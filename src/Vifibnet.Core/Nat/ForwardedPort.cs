using System.Globalization;

namespace Vifibnet.Nat;

/// <summary>
/// One `--pp port proto` pair: the local openvpn server to make reachable from outside.
/// The seed mapped UDP whatever the protocol; here a tcp-server listener gets a TCP mapping.
/// </summary>
public sealed record ForwardedPort
{
    public int LocalPort { get; }

    /// <summary>The openvpn server protocol as given to --pp: "udp" or "tcp-server" ("tcp" is read as tcp-server).</summary>
    public string ServerProtocol { get; }

    public ForwardedPort(int localPort, string serverProtocol)
    {
        if (localPort is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(localPort), localPort, "a port is 1..65535");
        ServerProtocol = serverProtocol switch
        {
            // A dual-stack udp6/tcp6-server listener takes IPv4 too: UPnP maps its IPv4 side.
            "udp" or "udp6" => "udp",
            "tcp-server" or "tcp" or "tcp6-server" => "tcp-server",
            _ => throw new ArgumentException($"'{serverProtocol}' is not an openvpn server protocol (expected udp or tcp-server)", nameof(serverProtocol)),
        };
        LocalPort = localPort;
    }

    /// <summary>The transport the gateway must forward.</summary>
    public NatProtocol NatProtocol => ServerProtocol == "udp" ? NatProtocol.Udp : NatProtocol.Tcp;

    /// <summary>
    /// The protocol advertised to peers, from the connecting client's view (as the seed's --ip
    /// takes it): "udp" or "tcp-client".
    /// </summary>
    public string AdvertisedProtocol => ServerProtocol == "udp" ? "udp" : "tcp-client";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{LocalPort} {ServerProtocol}");
}
