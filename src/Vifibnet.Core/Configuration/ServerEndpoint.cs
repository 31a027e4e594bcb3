namespace Vifibnet.Configuration;

/// <summary>One openvpn server to run (--pp PORT PROTO): proto is udp or tcp-server.</summary>
public sealed record ServerEndpoint(int Port, string Protocol)
{
    public static readonly IReadOnlyList<string> Protocols = ["udp", "tcp-server"];

    /// <summary>The protocol a client uses to reach this server (advertised in our address).</summary>
    public string ClientProtocol => Protocol == "udp" ? "udp" : "tcp-client";

    public override string ToString() => $"{Port}/{Protocol}";
}
