namespace Vifibnet.Configuration;

/// <summary>
/// One openvpn server to run (--pp PORT PROTO), in openvpn's spellings: udp and tcp-server listen on
/// IPv4 only (openvpn binds 0.0.0.0), udp6 and tcp6-server on a dual-stack IPv6 socket ([::], IPv4
/// clients too).
/// </summary>
public sealed record ServerEndpoint(int Port, string Protocol)
{
    public static readonly IReadOnlyList<string> Protocols = ["udp", "tcp-server", "udp6", "tcp6-server"];

    /// <summary>The protocol a client uses to reach this server (advertised in our address); the address family comes from the address.</summary>
    public string ClientProtocol => IsUdp ? "udp" : "tcp-client";

    public bool IsUdp => Protocol is "udp" or "udp6";

    /// <summary>Whether IPv6 clients can reach it (udp6, tcp6-server); every server takes IPv4 clients.</summary>
    public bool AcceptsIPv6 => Protocol is "udp6" or "tcp6-server";

    public override string ToString() => $"{Port}/{Protocol}";
}
