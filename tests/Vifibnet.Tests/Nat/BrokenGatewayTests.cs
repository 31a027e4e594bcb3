using System.Net;
using System.Net.Sockets;
using Vifibnet.Logging;
using Vifibnet.Nat;

namespace Vifibnet.Tests.Nat;

/// <summary>
/// Bad input from a gateway, over real loopback sockets: the <see cref="StandInGateway"/> plays a
/// broken router (miniupnpd cannot be made to misbehave this way). Each problem must be logged
/// with the URL and what was wrong, and the caller must keep running.
/// </summary>
public sealed class BrokenGatewayTests
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(2); // settles 300 ms after the first answer

    [Fact]
    public async Task ADescriptionUrlNobodyServesIsLoggedAndTheForwarderFallsBack()
    {
        using var router = new StandInGateway();
        var closedPort = ClosedPort();
        router.Location = $"http://127.0.0.1:{closedPort}/rootDesc.xml";
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(router), log.Logger);

        var addresses = await forwarder.StartAsync(default);

        Assert.Empty(addresses);
        Assert.Equal(NatState.NoGateway, forwarder.Status.State);
        Assert.Contains(router.Location, forwarder.Status.Error);
        Assert.Contains(log.At(LogLevel.Warning), r => r.Message.Contains(router.Location) && r.Message.Contains("could not be fetched"));
    }

    [Fact]
    public async Task AnSsdpAnswerWhoseLocationIsNotAUrlIsIgnoredWithAWarning()
    {
        using var router = new StandInGateway { Location = "192.168.1.1:5000/rootDesc" };
        var log = new LogCapture();

        var answers = await new SsdpDiscovery(log.Logger) { Target = router.SsdpEndpoint }.SearchAsync(Wait, default);

        Assert.Empty(answers);
        Assert.Contains(log.At(LogLevel.Warning), r => r.Message.Contains("LOCATION '192.168.1.1:5000/rootDesc' is not an http:// URL"));
    }

    [Fact]
    public async Task AMalformedDescriptionIsReportedWithItsUrlAndLine()
    {
        using var router = new StandInGateway();
        router.Description = "<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\">\n<device><serviceList>\n</root>";
        var log = new LogCapture();
        using var http = NatSockets.CreateHttpClient();

        var search = await new GatewayLocator(http, log.Logger) { SearchTarget = router.SsdpEndpoint }.FindAsync(Wait, default);

        Assert.Null(search.Gateway);
        Assert.Equal(1, search.Answers);
        var problem = Assert.Single(search.Problems);
        Assert.Contains($"device description {router.DescriptionUrl}: malformed XML at line 4", problem);
        Assert.Contains(log.At(LogLevel.Warning), r => r.Message.Contains("malformed XML"));
    }

    [Fact]
    public async Task ASoapFaultOnAddIsLoggedAndReportedInTheStatusWithoutThrowing()
    {
        using var router = new StandInGateway { FaultOnAdd = UpnpErrorCode.ActionFailed };
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "tcp-server")], Options(router), log.Logger);

        var addresses = await forwarder.StartAsync(default);

        Assert.Empty(addresses);
        Assert.Equal(NatState.Failed, forwarder.Status.State);
        Assert.Contains("UPnP error 501 ActionFailed", forwarder.Status.Error);
        Assert.Contains(log.At(LogLevel.Warning), r => r.Message.Contains("could not forward 1194 tcp-server") && r.Message.Contains("501"));
        Assert.Empty(await forwarder.RefreshAsync(default)); // tried again, still refused, still running
        Assert.Equal(NatState.Failed, forwarder.Status.State);
    }

    [Fact]
    public async Task AGatewayThatKeepsRefusingIsRetriedLessAndLessOften()
    {
        using var router = new StandInGateway { FaultOnAdd = UpnpErrorCode.ActionFailed };
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")],
            Options(router) with { DescriptionUrl = router.DescriptionUrl, RetryInterval = TimeSpan.FromMilliseconds(100), RefreshInterval = TimeSpan.FromMinutes(5) },
            new LogCapture().Logger);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(1600));

        await forwarder.RunAsync(stop.Token); // returns when cancelled, whatever the gateway did

        // Retries at about 0.1, 0.3, 0.7 and 1.5 s after the start: a fixed 100 ms retry would make ~16 tries.
        var adds = router.Calls.Count(c => c.Action == "AddPortMapping");
        Assert.InRange(adds, 2, 7);
        Assert.Equal(NatState.Stopped, forwarder.Status.State);
    }

    [Fact]
    public async Task AGatewayThatOnlyTakesPermanentLeasesGetsLeaseZeroAfter725()
    {
        using var router = new StandInGateway { OnlyPermanentLeases = true };
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(router), new LogCapture().Logger);

        var address = Assert.Single(await forwarder.StartAsync(default));

        var adds = router.Calls.Where(c => c.Action == "AddPortMapping").Select(c => c.Arguments["NewLeaseDuration"]).ToList();
        Assert.Equal(["10800", "0"], adds);
        Assert.Equal(TimeSpan.Zero, forwarder.Status.Mappings[0].Mapping.LeaseDuration);
        Assert.Null(forwarder.Status.Mappings[0].Expires);
        Assert.Equal(("127.0.0.1", 1194, 0L), router.Table[(address.Port, "UDP")]);
        await forwarder.RefreshAsync(default);
        Assert.Equal("0", router.Calls.Last(c => c.Action == "AddPortMapping").Arguments["NewLeaseDuration"]); // remembered
    }

    [Fact]
    public async Task ARouterThatHidesAConflictIsCaughtByReadingTheMappingBack()
    {
        using var router = new StandInGateway { RaceAndHideNextConflict = true };
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(router), log.Logger);

        var address = Assert.Single(await forwarder.StartAsync(default));

        var adds = router.Calls.Where(c => c.Action == "AddPortMapping").Select(c => int.Parse(c.Arguments["NewExternalPort"])).ToList();
        Assert.Equal(2, adds.Count);
        Assert.Equal(adds[1], address.Port);
        Assert.Equal("198.51.100.77", router.Table[(adds[0], "UDP")].Client); // the other host keeps its port
        Assert.Equal("127.0.0.1", router.Table[(adds[1], "UDP")].Client);
        Assert.Contains(log.At(LogLevel.Warning), r => r.Message.Contains("does not report conflicts"));
    }

    [Fact]
    public async Task ExternalPortsAreDrawnAtRandomNotProbedUpward()
    {
        using var router = new StandInGateway();
        var ports = new List<int>();
        for (var seed = 0; seed < 12; seed++)
        {
            using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")],
                Options(router) with { DescriptionUrl = router.DescriptionUrl, Random = new Random(seed) }, Logger.Null);
            ports.Add(Assert.Single(await forwarder.StartAsync(default)).Port);
        }

        Assert.All(ports, p => Assert.InRange(p, 1024, 65535));
        Assert.True(ports.Distinct().Count() >= 10, string.Join(",", ports)); // twelve nodes, (almost) twelve ports
        Assert.NotEqual(ports.Order(), ports); // not handed out in increasing order
    }

    [Fact]
    public async Task AGatewayBehindAnotherNatIsUsedWithAWarning()
    {
        using var router = new StandInGateway { ExternalAddress = "100.64.12.34" }; // carrier-grade NAT upstream
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(router), log.Logger);

        var address = Assert.Single(await forwarder.StartAsync(default));
        await forwarder.RefreshAsync(default);

        Assert.Equal(IPAddress.Parse("100.64.12.34"), address.Ip);
        Assert.Single(log.At(LogLevel.Warning), r => r.Message.Contains("100.64.12.34 is private")); // said once, not at every refresh
    }

    [Fact]
    public async Task AGatewayWithoutAnExternalAddressIsAClearFailure()
    {
        using var router = new StandInGateway { ExternalAddress = "" }; // WAN link down
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(router), log.Logger);

        Assert.Empty(await forwarder.StartAsync(default));

        Assert.Equal(NatState.NoGateway, forwarder.Status.State);
        Assert.Contains("reported no usable external address", forwarder.Status.Error);
    }

    [Fact]
    public void ASoapFaultBecomesANamedExceptionWithTheUpnpCode()
    {
        const string fault = """<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>""";
        var url = new Uri("http://198.51.100.1:5000/ctl/IPConn");

        var e = Assert.Throws<UpnpFaultException>(() => SoapMessage.ReadResponse(fault, "AddPortMapping", url));

        Assert.Equal((718, "ConflictInMappingEntry", "AddPortMapping"), (e.ErrorCode, e.ErrorDescription, e.Action));
        Assert.Equal("gateway http://198.51.100.1:5000/ctl/IPConn refused AddPortMapping: UPnP error 718 ConflictInMappingEntry", e.Message);
        var bare = Assert.Throws<UpnpFaultException>(() => SoapMessage.ReadResponse(fault.Replace("<errorDescription>ConflictInMappingEntry</errorDescription>", ""), "AddPortMapping", url));
        Assert.Equal("ConflictInMappingEntry", bare.ErrorDescription); // named from the code when the gateway gives no text
        var notSoap = Assert.Throws<NatException>(() => SoapMessage.ReadResponse("<html>router login</html>", "AddPortMapping", url));
        Assert.Contains("has no SOAP Body", notSoap.Message);
    }

    static PortForwarderOptions Options(StandInGateway router) => new() { SearchTarget = router.SsdpEndpoint, DiscoveryWait = Wait };

    static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
