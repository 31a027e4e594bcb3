using System.Globalization;
using Vifibnet.Addressing;
using Vifibnet.Configuration;

namespace Vifibnet.OpenVpn;

/// <summary>
/// The openvpn command lines of a node: one tap server per --pp, one tap client per tunnel.
/// Pure functions of the options, so they are unit-tested without openvpn.
/// </summary>
public static class OpenVpnArguments
{
    /// <summary>Seconds of silence after which openvpn drops a tunnel: 4 hellos, as the seed did.</summary>
    public static int PingExit(NodeOptions o) => 4 * o.Hello;

    public static IReadOnlyList<string> Server(NodeOptions o, NodePaths paths, string device, ServerEndpoint endpoint)
    {
        var args = Common(o, paths, device);
        args.AddRange([
            "--mode", "server", "--tls-server",
            "--proto", endpoint.Protocol, "--port", Num(endpoint.Port),
            "--dh", o.Dh ?? "none",
            "--max-clients", Num(Math.Max(1, o.ConnectionCount)),
            "--client-connect", paths.HookScript,
            // Per client: a silent client is dropped after 4 hellos (the client exits on its side).
            "--ping", Num(o.Hello), "--ping-restart", Num(PingExit(o)),
        ]);
        args.AddRange(o.OpenVpnArgs);
        return args;
    }

    public static IReadOnlyList<string> Client(NodeOptions o, NodePaths paths, string device, IReadOnlyList<PeerAddress> remotes)
    {
        if (remotes.Count == 0) throw new ArgumentException("a client tunnel needs at least one remote address", nameof(remotes));
        var args = Common(o, paths, device);
        args.AddRange(["--client", "--nobind", "--route-up", paths.HookScript]);
        foreach (var r in remotes)
            args.AddRange(["--remote", r.Ip.ToString(), Num(r.Port), r.Protocol == "udp" ? "udp" : "tcp-client"]);
        args.AddRange([
            // Try each advertised address once, then give up: the daemon picks another peer.
            "--connect-retry", "1", "--connect-retry-max", "1", "--server-poll-timeout", Num(Math.Max(5, 2 * o.Hello)),
            "--ping", Num(o.Hello), "--ping-exit", Num(PingExit(o)),
        ]);
        args.AddRange(o.OpenVpnArgs);
        return args;
    }

    static List<string> Common(NodeOptions o, NodePaths paths, string device) =>
    [
        "--dev", device, "--dev-type", "tap",
        "--ca", Path.GetFullPath(o.CaPath), "--cert", Path.GetFullPath(o.CertPath), "--key", Path.GetFullPath(o.KeyPath),
        "--tls-version-min", "1.2",
        "--script-security", "2", "--up", paths.HookScript,
        "--management", paths.ManagementSocket(device), "unix",
        "--writepid", paths.OpenVpnPidFile(device),
        // The seed hands -v to openvpn as it is; openvpn logs fatal errors even at 0.
        "--verb", Num(o.Verbose),
    ];

    static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
