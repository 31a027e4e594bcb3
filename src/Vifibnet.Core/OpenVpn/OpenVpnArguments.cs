using System.Globalization;
using Vifibnet.Addressing;

namespace Vifibnet.OpenVpn;

/// <summary>
/// The openvpn command lines of a node: one tap server per --pp, one tap client per tunnel.
/// Pure functions of the settings, so they are unit-tested without openvpn.
/// </summary>
public static class OpenVpnArguments
{
    /// <summary>A server on <paramref name="port"/> with <paramref name="protocol"/> (udp or tcp-server), on tap <paramref name="device"/>.</summary>
    public static IReadOnlyList<string> Server(OpenVpnSettings o, string device, int port, string protocol)
    {
        var args = Common(o, device);
        args.AddRange([
            "--mode", "server", "--tls-server",
            "--proto", protocol, "--port", Num(port),
            "--dh", o.Dh ?? "none",
            "--max-clients", Num(o.MaxClients),
            "--client-connect", o.HookScript,
            // Per client: a silent client is dropped after the tunnel timeout (the client exits on its side).
            "--ping", Num(o.PingInterval), "--ping-restart", Num(o.PingExit),
        ]);
        // A server restarted (on a renewed certificate, say) tells its UDP clients to reconnect, instead of
        // leaving them to notice after --ping-exit (TCP clients see the connection close). openvpn then
        // lives on for 2 s before it restarts: no further pause (--connect-retry 0), so it is back 2 s
        // after the notice, when its clients come back (ClientRestartPause).
        if (protocol == "udp") args.AddRange(["--explicit-exit-notify", "1", "--connect-retry", "0"]);
        args.AddRange(o.ExtraArgs);
        return args;
    }

    /// <summary>
    /// Seconds a client waits before reconnecting after a restart (a server's notice, or our own reload on a
    /// renewed certificate). A restarting server lives on for 2 s after its notice: a client back after 1 s
    /// began its handshake with the dying process, lost it, and stayed dark until its server-poll timeout
    /// (7-14 s of silence measured at each server renewal); after 3 s it meets the new one.
    /// </summary>
    public const int ClientRestartPause = 3;

    public static IReadOnlyList<string> Client(OpenVpnSettings o, string device, IReadOnlyList<PeerAddress> remotes)
    {
        if (remotes.Count == 0) throw new ArgumentException("a client tunnel needs at least one remote address", nameof(remotes));
        var args = Common(o, device);
        args.AddRange(["--client", "--nobind", "--route-up", o.HookScript]);
        args.AddRange(PullFilter);
        foreach (var r in remotes)
            args.AddRange(["--remote", r.Ip.ToString(), Num(r.Port), r.Protocol == "udp" ? "udp" : "tcp-client"]);
        args.AddRange([
            // Try each advertised address once, then give up: the daemon picks another peer.
            "--connect-retry", Num(ClientRestartPause), "--connect-retry-max", "1", "--server-poll-timeout", Num(Math.Max(5, 2 * o.Hello)),
            "--ping", Num(o.PingInterval), "--ping-exit", Num(o.PingExit),
        ]);
        // A clean stop tells the server at once (UDP only: TCP closes the connection anyway), so the peer's
        // daemon reroutes now instead of after the tunnel timeout.
        if (remotes.All(r => r.Protocol == "udp")) args.AddRange(["--explicit-exit-notify", "1"]);
        args.AddRange(o.ExtraArgs);
        return args;
    }

    /// <summary>The one pushed option a node needs (our address as the server saw it; checked again by the daemon).</summary>
    public const string ExternalIpOption = "setenv-safe external_ip ";

    /// <summary>
    /// A peer's server is another member, not an authority: of what it pushes, a client keeps the address
    /// it saw us at and the data-channel negotiation openvpn itself needs (cipher, peer-id, protocol
    /// flags), and ignores the rest (routes, redirect-gateway, ifconfig, DNS, other variables, scripts' input).
    /// </summary>
    public static readonly IReadOnlyList<string> PullFilter =
    [
        "--pull-filter", "accept", ExternalIpOption,
        "--pull-filter", "accept", "cipher ",
        "--pull-filter", "accept", "peer-id ",
        "--pull-filter", "accept", "protocol-flags ",
        "--pull-filter", "accept", "key-derivation ",
        "--pull-filter", "ignore", "",
    ];

    static List<string> Common(OpenVpnSettings o, string device)
    {
        var args = CommonWithoutCrl(o, device);
        // Peers whose certificate the network revoked are refused at the handshake.
        if (o.CrlPath is not null && File.Exists(o.CrlPath)) args.AddRange(["--crl-verify", Path.GetFullPath(o.CrlPath)]);
        return args;
    }

    static List<string> CommonWithoutCrl(OpenVpnSettings o, string device) =>
    [
        "--dev", device, "--dev-type", "tap",
        // A soft restart (SIGUSR1, a renewed certificate; a server's RESTART to its clients) keeps the tap:
        // babeld never sees the interface go, so routes over it survive the second the tunnel is down.
        "--persist-tun",
        "--ca", Path.GetFullPath(o.CaPath), "--cert", Path.GetFullPath(o.CertPath), "--key", Path.GetFullPath(o.KeyPath),
        "--tls-version-min", "1.2",
        "--script-security", "2", "--up", o.HookScript,
        "--management", o.ManagementSocket(device), "unix",
        // openvpn makes the socket world-writable whatever the umask: only the node's own user may use it
        // (checked on the peer's credentials), on top of the owner-only run directory.
        "--management-client-user", Environment.UserName,
        "--writepid", o.PidFile(device),
        // The seed hands -v to openvpn as it is; openvpn logs fatal errors even at 0.
        "--verb", Num(o.Verbose),
    ];

    static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
