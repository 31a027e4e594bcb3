using System.Net;
using Vifibnet.Addressing;
using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Tunnels;

namespace Vifibnet.OpenVpn;

/// <summary>
/// Starts each client tunnel as an openvpn process with one --remote per address the peer advertised;
/// addresses no peer can be at (loopback, multicast, link-local, the overlay's own: see
/// <see cref="UnderlayAddress"/>) and those of a family this host lacks are left out, the rest tried in
/// <see cref="RemoteOrder"/>; a peer with none left is refused (and flagged by the caller).
/// </summary>
public sealed class OpenVpnTunnelLauncher(OpenVpnSettings settings, NetworkPrefix network, Logger log) : ITunnelLauncher
{
    public ITunnelHandle Start(string device, Peer peer)
    {
        var advertised = PeerAddress.ParseList(peer.Address);
        var remotes = advertised.Where(a => UnderlayAddress.Check(a.Ip, network) is null).ToList();
        if (remotes.Count < advertised.Count)
        {
            var refused = advertised.Except(remotes).ToList();
            if (remotes.Count == 0) UnderlayAddress.CheckAll(refused, network);
            log.Warning($"peer {peer.Prefix}: not tunnelling to {string.Join(", ", refused.Select(a => $"{a} ({UnderlayAddress.Check(a.Ip, network)})"))}");
        }
        var ordered = RemoteOrder.Arrange(remotes, LocalFamilies.Detect(network));
        if (ordered.Count == 0)
            throw new UnderlayAddressException(UnderlayRefusal.Unreachable,
                $"peer {peer.Prefix} advertises {PeerAddress.FormatList(remotes)}, none in an address family this host has (IPv4 or IPv6)");
        var args = OpenVpnArguments.Client(settings, device, ordered);
        return new Tunnel(OpenVpnProcess.Start($"openvpn client {device} to {peer.Prefix}", device, args, settings, log));
    }

    sealed class Tunnel(OpenVpnProcess process) : ITunnelHandle
    {
        public string Device => process.Device;
        public bool HasExited => process.Process.HasExited;
        public int? ExitCode => HasExited ? process.Process.Exited.Result : null;

        public async Task<bool> IsConnectedAsync(CancellationToken cancel) => await process.GetStateAsync(cancel).ConfigureAwait(false) == "CONNECTED";

        public (long Rx, long Tx) ReadCounters() => DeviceCounters.Read(Device);

        public IPAddress? ExternalIp() => process.ReadExternalIp();

        public void Reload() => process.Reload();

        public Task StopAsync() => process.StopAsync();

        public void Dispose() => process.Dispose();
    }
}
