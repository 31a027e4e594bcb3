using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Vifibnet.Addressing;

/// <summary>Which underlay address families this host has: a unicast address others could reach (see <see cref="UnderlayAddress"/>).</summary>
public readonly record struct LocalFamilies(bool IPv4, bool IPv6)
{
    /// <summary>The families of this host's (this namespace's) interface addresses, the overlay's own left out.</summary>
    public static LocalFamilies Detect(NetworkPrefix? overlay)
    {
        bool v4 = false, v6 = false;
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (var a in nic.GetIPProperties().UnicastAddresses)
                {
                    if (UnderlayAddress.Check(a.Address, overlay) is not null) continue;
                    if (a.Address.AddressFamily == AddressFamily.InterNetwork) v4 = true;
                    else if (a.Address.AddressFamily == AddressFamily.InterNetworkV6) v6 = true;
                }
        }
        catch (NetworkInformationException)
        {
            return new(true, true); // cannot tell: try everything
        }
        return new(v4, v6);
    }
}

/// <summary>
/// The order a client tries a peer's advertised addresses in (openvpn takes its --remote list in
/// order, each once): addresses of a family this host has no address in are left out (they cannot
/// work and each would cost a connect timeout); IPv6 before IPv4 when both are possible (native
/// IPv6 needs no NAT on the way, as RFC 6724 prefers it); UDP before TCP within a family; otherwise
/// the peer's own order. A host whose families are unknown (none found) tries every address.
/// </summary>
public static class RemoteOrder
{
    public static IReadOnlyList<PeerAddress> Arrange(IEnumerable<PeerAddress> advertised, LocalFamilies local)
    {
        var list = advertised.Select((a, i) => (Address: a, Index: i, V6: IsIPv6(a.Ip))).ToList();
        if (local.IPv4 || local.IPv6)
            list = [.. list.Where(a => a.V6 ? local.IPv6 : local.IPv4)];
        return [.. list.OrderBy(a => a.V6 ? 0 : 1).ThenBy(a => a.Address.Protocol == "udp" ? 0 : 1).ThenBy(a => a.Index).Select(a => a.Address)];
    }

    public static bool IsIPv6(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6 && !ip.IsIPv4MappedToIPv6;
}
