using Vifibnet.Configuration;
using Vifibnet.OpenVpn;
using Vifibnet.Routing;

namespace Vifibnet.Node;

/// <summary>The one place the node's options and paths become what babeld and openvpn are given: they never see NodeOptions.</summary>
public static class ChildSettings
{
    public static BabelSettings Babel(NodeOptions o, NodePaths paths) =>
        new(o.Hello, o.Wireless, o.Verbose, paths.BabeldPidFile, paths.BabeldState, paths.BabeldSocket, paths.BabeldLog)
        {
            // With openvpn watching each tunnel, babel may be lenient with lost hellos.
            TunnelLinkQuality = o.TunnelTimeout > 0,
        };

    public static OpenVpnSettings OpenVpn(NodeOptions o, NodePaths paths) =>
        new(o.CaPath, o.CertPath, o.KeyPath, o.Hello, o.Verbose, o.Dh, Math.Max(1, o.ConnectionCount), o.OpenVpnArgs, paths.RunDir, paths.LogDir)
        {
            TunnelTimeout = o.TunnelTimeout,
        };
}
