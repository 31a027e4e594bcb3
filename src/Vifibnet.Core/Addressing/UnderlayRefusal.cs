namespace Vifibnet.Addressing;

/// <summary>Why an address cannot be a node's underlay address (where its openvpn servers are reached).</summary>
public enum UnderlayRefusal
{
    Unspecified,
    Loopback,
    LinkLocal,
    Multicast,
    Broadcast,
    /// <summary>IPv4 240.0.0.0/4 (reserved, never routed).</summary>
    Reserved,
    /// <summary>An IPv6 address with a zone (%eth0): meaningful only on the host that wrote it.</summary>
    Scoped,
    /// <summary>Inside the overlay network itself: a tunnel to it would run over itself.</summary>
    Overlay,
    /// <summary>Of an IP family this host has no address in (an IPv6-only peer seen from an IPv4-only host).</summary>
    Unreachable,
}
