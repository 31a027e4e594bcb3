using System.Net;
using System.Numerics;
using Vifibnet.Addressing;

namespace Vifibnet.Tests.Addressing;

public class PrefixConversionTests
{
    [Fact]
    public void SeedExampleSerialEncodesThePrefix()
    {
        var network = NetworkPrefix.Parse("2001:db8:42::/48");
        Assert.Equal(BigInteger.Parse("0120010db80042", System.Globalization.NumberStyles.HexNumber), network.ToSerial());
        Assert.Equal(network, NetworkPrefix.FromSerial(network.ToSerial()));
        Assert.Equal(network, NetworkPrefix.FromSerialHex("0120010DB80042"));
    }

    [Theory]
    [InlineData("2001:db8::/32")]
    [InlineData("2001:db8:42::/48")]
    [InlineData("2001:db8:42:8000::/49")]
    [InlineData("::/0")]
    [InlineData("2001:db8::1/128")]
    public void SerialRoundTrips(string text)
    {
        var prefix = NetworkPrefix.Parse(text);
        Assert.Equal(text, prefix.ToString());
        Assert.Equal(prefix, NetworkPrefix.FromSerial(prefix.ToSerial()));
    }

    [Theory]
    [InlineData("2001:db8:42::", "no slash")]
    [InlineData("2001:db8:42::/129", "0..128")]
    [InlineData("198.51.100.0/24", "not an IPv6")]
    [InlineData("2001:db8:42::1/48", "bits set after")]
    public void BadPrefixesAreRefusedWithTheReason(string text, string why)
    {
        Assert.False(NetworkPrefix.TryParse(text, out _, out var error));
        Assert.Contains(why == "no slash" ? "ADDRESS/LENGTH" : why, error);
    }

    [Fact]
    public void SeedBootstrapExampleMapsToItsSubnet()
    {
        // The seed: 2001:db8:42:1::/64 under 2001:db8:42::/48 is the prefix 1/16, i.e. 0000000000000001.
        var network = NetworkPrefix.Parse("2001:db8:42::/48");
        var node = NodePrefix.ParseBinary("0000000000000001");
        Assert.Equal(node, NodePrefix.ParseCommonName("1/16"));
        Assert.Equal("1/16", node.ToCommonName());
        Assert.Equal("2001:db8:42:1::/64", OverlayAddress.Subnet(network, node).ToString());
        Assert.Equal(IPAddress.Parse("2001:db8:42:1::1"), OverlayAddress.For(network, node));
        Assert.True(network.Contains(OverlayAddress.For(network, node)));
    }

    [Fact]
    public void NodePrefixesOverlapOnlyWhenOneContainsTheOther()
    {
        Assert.True(NodePrefix.ParseBinary("01").Overlaps(NodePrefix.ParseBinary("0110")));
        Assert.False(NodePrefix.ParseBinary("01").Overlaps(NodePrefix.ParseBinary("1010")));
        Assert.Throws<AddressingException>(() => NodePrefix.ParseBinary("012"));
        Assert.Throws<AddressingException>(() => NodePrefix.ParseCommonName("5/2"));
    }

    [Fact]
    public void PeerAddressListRoundTripsAndNamesBadParts()
    {
        var list = PeerAddress.ParseList("198.51.100.7,1194,udp;198.51.100.7,1194,tcp-client");
        Assert.Equal(2, list.Count);
        Assert.Equal("198.51.100.7,1194,udp;198.51.100.7,1194,tcp-client", PeerAddress.FormatList(list));
        var e = Assert.Throws<AddressingException>(() => PeerAddress.ParseList("198.51.100.7,99999,udp"));
        Assert.Contains("198.51.100.7,99999,udp", e.Message);
    }
}
