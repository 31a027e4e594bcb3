using System.Net;
using System.Net.Sockets;

namespace Vifibnet.Addressing;

/// <summary>
/// Which addresses may be declared to the registry, learned from a peer's server, or tunnelled to: a
/// unicast address some other host could reach. Private LAN ranges stay allowed (nodes on one LAN
/// use them); loopback, unspecified, link-local, multicast, broadcast, reserved, zoned addresses and
/// the overlay's own addresses are refused, since a tunnel to them reaches ourselves or nothing.
/// </summary>
public static class UnderlayAddress
{
    /// <summary>Why <paramref name="ip"/> is refused, or null when it is a plausible underlay address.</summary>
    public static UnderlayRefusal? Check(IPAddress ip, NetworkPrefix? overlay)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            ip.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => UnderlayRefusal.Unspecified,
                127 => UnderlayRefusal.Loopback,
                169 when b[1] == 254 => UnderlayRefusal.LinkLocal,
                >= 224 and < 240 => UnderlayRefusal.Multicast,
                255 when b[1] == 255 && b[2] == 255 && b[3] == 255 => UnderlayRefusal.Broadcast,
                >= 240 => UnderlayRefusal.Reserved,
                _ => null,
            };
        }
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return UnderlayRefusal.Reserved;
        if (ip.Equals(IPAddress.IPv6Any)) return UnderlayRefusal.Unspecified;
        if (ip.Equals(IPAddress.IPv6Loopback)) return UnderlayRefusal.Loopback;
        if (ip.IsIPv6Multicast) return UnderlayRefusal.Multicast;
        if (ip.IsIPv6LinkLocal) return UnderlayRefusal.LinkLocal;
        if (ip.ScopeId != 0) return UnderlayRefusal.Scoped;
        if (overlay is { } network && network.Contains(ip)) return UnderlayRefusal.Overlay;
        return null;
    }

    /// <summary>The addresses that pass <see cref="Check"/>; throws <see cref="UnderlayAddressException"/> naming the first that does not.</summary>
    public static void CheckAll(IEnumerable<PeerAddress> addresses, NetworkPrefix? overlay)
    {
        foreach (var a in addresses)
            if (Check(a.Ip, overlay) is { } refusal)
                throw new UnderlayAddressException(refusal, $"{a}: {Describe(a.Ip, refusal)}; a node is reached at a unicast address other hosts can route to");
    }

    /// <summary>A sentence for logs and error messages: "127.0.0.1 is a loopback address".</summary>
    public static string Describe(IPAddress ip, UnderlayRefusal refusal) => refusal switch
    {
        UnderlayRefusal.Unspecified => $"{ip} is the unspecified address",
        UnderlayRefusal.Loopback => $"{ip} is a loopback address",
        UnderlayRefusal.LinkLocal => $"{ip} is a link-local address",
        UnderlayRefusal.Multicast => $"{ip} is a multicast address",
        UnderlayRefusal.Broadcast => $"{ip} is the broadcast address",
        UnderlayRefusal.Reserved => $"{ip} is in a reserved range",
        UnderlayRefusal.Scoped => $"{ip} carries an interface zone, meaningful on one host only",
        UnderlayRefusal.Overlay => $"{ip} is inside the overlay network itself",
        _ => $"{ip} is refused ({refusal})",
    };
}
