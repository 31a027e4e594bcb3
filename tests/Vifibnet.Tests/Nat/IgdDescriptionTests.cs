using Vifibnet.Nat;

namespace Vifibnet.Tests.Nat;

public sealed class IgdDescriptionTests
{
    static readonly Uri Location = new("http://198.51.100.1:5000/rootDesc.xml");

    static string Description(string services, string urlBase = "") => $"""
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0">{urlBase}
          <device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>
            <deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>
              <friendlyName>WAN link</friendlyName>
              <serviceList>{services}</serviceList>
            </device></deviceList>
          </device>
        </root>
        """;

    static string Service(string type, string control) =>
        $"<service><serviceType>{type}</serviceType><serviceId>x</serviceId><controlURL>{control}</controlURL></service>";

    [Fact]
    public void WanServicesComeBestFirstWithRelativeControlUrlsResolvedAgainstTheDescription()
    {
        var xml = Description(
            Service("urn:schemas-upnp-org:service:WANPPPConnection:1", "/ctl/PPP") +
            Service("urn:schemas-upnp-org:service:WANIPv6FirewallControl:1", "/ctl/IP6FC") +
            Service("urn:schemas-upnp-org:service:WANIPConnection:1", "ctl/IP1") +
            Service("urn:schemas-upnp-org:service:WANIPConnection:2", "/ctl/IPConn"));

        var services = IgdDescription.FindWanServices(xml, Location);

        Assert.Equal(
        [
            ("urn:schemas-upnp-org:service:WANIPConnection:2", "http://198.51.100.1:5000/ctl/IPConn"),
            ("urn:schemas-upnp-org:service:WANIPConnection:1", "http://198.51.100.1:5000/ctl/IP1"),
            ("urn:schemas-upnp-org:service:WANPPPConnection:1", "http://198.51.100.1:5000/ctl/PPP"),
        ], services.Select(s => (s.ServiceType, s.ControlUrl.ToString())));
        Assert.All(services, s => Assert.Equal("WAN link", s.FriendlyName));
    }

    [Fact]
    public void UrlBaseWinsOverTheDescriptionUrlAndAbsoluteControlUrlsStay()
    {
        var xml = Description(
            Service("urn:schemas-upnp-org:service:WANPPPConnection:1", "upnp/control/ppp") +
            Service("urn:schemas-upnp-org:service:WANIPConnection:1", "http://198.51.100.9:49000/ip"),
            "<URLBase>http://198.51.100.1:49000/</URLBase>");

        var services = IgdDescription.FindWanServices(xml, Location);

        Assert.Equal(["http://198.51.100.9:49000/ip", "http://198.51.100.1:49000/upnp/control/ppp"], services.Select(s => s.ControlUrl.ToString()));
    }

    [Fact]
    public void ADescriptionWithoutWanServicesYieldsNone()
    {
        Assert.Empty(IgdDescription.FindWanServices(Description(Service("urn:schemas-upnp-org:service:Layer3Forwarding:1", "/ctl/L3F")), Location));
    }

    [Theory]
    [InlineData("<root><device>", "malformed XML at line 1")]
    [InlineData("", "malformed XML")]
    [InlineData("<!DOCTYPE root [<!ENTITY a \"aaaa\">]><root>&a;</root>", "malformed XML")] // no DTDs, no entity tricks
    public void BadXmlNamesTheDescriptionUrl(string xml, string expected)
    {
        var e = Assert.Throws<NatException>(() => IgdDescription.FindWanServices(xml, Location));

        Assert.StartsWith($"device description {Location}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AControlUrlThatIsNotHttpIsRefusedByName()
    {
        var xml = Description(Service("urn:schemas-upnp-org:service:WANIPConnection:1", "file:///etc/passwd"));

        var e = Assert.Throws<NatException>(() => IgdDescription.FindWanServices(xml, Location));

        Assert.Contains("controlURL 'file:///etc/passwd'", e.Message);
    }

    [Fact]
    public void SsdpAnswersAreReadAndBadOnesExplained()
    {
        var from = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("198.51.100.1"), 1900);
        var ok = SsdpDiscovery.Parse("HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLocation: http://198.51.100.1:5000/rootDesc.xml\r\nSERVER: x\r\n\r\n", from, out _);
        Assert.Equal("http://198.51.100.1:5000/rootDesc.xml", ok?.Location.ToString());
        Assert.Null(SsdpDiscovery.Parse("HTTP/1.1 200 OK\r\nST: x\r\n\r\n", from, out var missing));
        Assert.Equal("no LOCATION header", missing);
        Assert.Null(SsdpDiscovery.Parse("NOTIFY * HTTP/1.1\r\nLOCATION: http://198.51.100.1/\r\n\r\n", from, out var notify));
        Assert.Contains("not an HTTP 200 answer", notify);
    }
}
