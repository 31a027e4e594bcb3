using System.Net;
using Vifibnet.Addressing;

namespace Vifibnet.Tests.Addressing;

public sealed class RemoteOrderTests
{
    static readonly IReadOnlyList<PeerAddress> DualStack = PeerAddress.ParseList(
        "198.51.100.7,1195,tcp-client;198.51.100.7,1194,udp;2001:db8::7,1195,tcp-client;2001:db8::7,1194,udp");

    [Fact]
    public void ADualStackHostTriesIPv6FirstAndUdpBeforeTcp()
    {
        Assert.Equal("2001:db8::7,1194,udp;2001:db8::7,1195,tcp-client;198.51.100.7,1194,udp;198.51.100.7,1195,tcp-client",
            PeerAddress.FormatList(RemoteOrder.Arrange(DualStack, new LocalFamilies(true, true))));
    }

    [Fact]
    public void AHostLeavesOutTheFamilyItHasNoAddressIn()
    {
        Assert.Equal("198.51.100.7,1194,udp;198.51.100.7,1195,tcp-client",
            PeerAddress.FormatList(RemoteOrder.Arrange(DualStack, new LocalFamilies(true, false))));
        Assert.Equal("2001:db8::7,1194,udp;2001:db8::7,1195,tcp-client",
            PeerAddress.FormatList(RemoteOrder.Arrange(DualStack, new LocalFamilies(false, true))));
        // An IPv6-only peer seen from an IPv4-only host: nothing to try (the launcher refuses it, the peer is flagged).
        Assert.Empty(RemoteOrder.Arrange(PeerAddress.ParseList("2001:db8::9,1194,udp"), new LocalFamilies(true, false)));
        // A v4-mapped address is IPv4.
        Assert.Single(RemoteOrder.Arrange([new PeerAddress(IPAddress.Parse("::ffff:198.51.100.9"), 1194, "udp")], new LocalFamilies(true, false)));
    }

    [Fact]
    public void AHostWithNoKnownFamilyTriesEverythingInOrder()
    {
        Assert.Equal(4, RemoteOrder.Arrange(DualStack, new LocalFamilies(false, false)).Count);
    }

    [Fact]
    public void IPv6UnderlayAddressesPassTheChecksButLoopbackLinkLocalMulticastAndOverlayDoNot()
    {
        var overlay = NetworkPrefix.Parse("2001:db8:42::/48");
        Assert.Null(UnderlayAddress.Check(IPAddress.Parse("2001:db8::7"), overlay));
        Assert.Equal(UnderlayRefusal.Loopback, UnderlayAddress.Check(IPAddress.IPv6Loopback, overlay));
        Assert.Equal(UnderlayRefusal.LinkLocal, UnderlayAddress.Check(IPAddress.Parse("fe80::1"), overlay));
        Assert.Equal(UnderlayRefusal.Multicast, UnderlayAddress.Check(IPAddress.Parse("ff02::1"), overlay));
        Assert.Equal(UnderlayRefusal.Overlay, UnderlayAddress.Check(IPAddress.Parse("2001:db8:42:1::1"), overlay));
    }
}
