using System.Net;

namespace Vifibnet.Addressing;

/// <summary>Where a node lives on the overlay: its subnet, and the address (host part ::1) it answers on.</summary>
public static class OverlayAddress
{
    /// <summary>The node's subnet: network prefix followed by node prefix.</summary>
    public static NetworkPrefix Subnet(NetworkPrefix network, NodePrefix node) => network.Append(node);

    /// <summary>The node's own address: its subnet with host part ::1.</summary>
    public static IPAddress For(NetworkPrefix network, NodePrefix node)
    {
        var subnet = network.Append(node);
        if (subnet.Length == 128)
            throw new AddressingException($"subnet {subnet} has no room for a host part");
        return NetworkPrefix.ToAddress(subnet.Bits | 1);
    }
}
