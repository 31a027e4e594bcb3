using Vifibnet.Configuration;
using Vifibnet.OpenVpn;
using Vifibnet.Routing;

namespace Vifibnet.Node;

/// <summary>The one place the node's options and paths become what babeld and openvpn are given: they never see NodeOptions.</summary>
public static class ChildSettings
{
    /// <summary>babeld's full dumps on the tunnels: see <see cref="BabelSettings.TunnelUpdateInterval"/>.</summary>
    public static readonly TimeSpan TunnelUpdateInterval = TimeSpan.FromSeconds(1);

    public static BabelSettings Babel(NodeOptions o, NodePaths paths) =>
        new(o.Hello, o.Wireless, o.Verbose, paths.BabeldPidFile, paths.BabeldState, paths.BabeldSocket, paths.BabeldLog)
        {
            // A lossy tunnel costs more instead of dropping out (2 of 3 hellos lost): 100.00 % of the lossy probes answered
            // against 96.3 % (bench/mesh, 20 % loss, 8 nodes). Its drawback, babel trusting a silent neighbour for many
            // hellos, is the tunnel probes' to handle now (docs/mesh.md).
            TunnelLinkQuality = true,
            // A rerouted node's routes reach its other tunnels' neighbours at its current seqno within a second (docs/node.md).
            TunnelUpdateInterval = TunnelUpdateInterval,
            // A new tunnel's handshake within a second of its bounce (NodeDaemon.HurryHandshakeAsync).
            TunnelTimestamps = true,
            KeyConfigFile = Path.Combine(paths.RunDir, "babeld-key.conf"),
        };

    public static OpenVpnSettings OpenVpn(NodeOptions o, NodePaths paths) =>
        new(o.CaPath, o.CertPath, o.KeyPath, o.Hello, o.Verbose, o.Dh, Math.Max(1, o.ConnectionCount), o.OpenVpnArgs, paths.RunDir, paths.LogDir, paths.CrlFile)
        {
            TunnelTimeout = o.TunnelTimeout,
        };
}
