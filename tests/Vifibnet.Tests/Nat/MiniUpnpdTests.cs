using System.Net;
using Vifibnet.Lab;
using Vifibnet.Logging;
using Vifibnet.Nat;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Nat;

/// <summary>Our UPnP client against Debian's miniupnpd, the NAT gateway of a namespaced home network.</summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class MiniUpnpdTests
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task DiscoveryFindsMiniupnpdAndReadsItsExternalAddress()
    {
        using var net = NewHomeNetwork();
        var log = new LogCapture();
        using var http = NatSockets.CreateHttpClient(net.LanSockets);

        var search = await new GatewayLocator(http, log.Logger, net.LanSockets).FindAsync(Wait, CancellationToken.None);

        Assert.NotNull(search.Gateway);
        Assert.Equal("urn:schemas-upnp-org:service:WANIPConnection:2", search.Gateway.Service.ServiceType);
        Assert.Equal(UpnpHomeNetwork.GatewayLanAddress.ToString(), search.Gateway.Service.ControlUrl.Host);
        Assert.Equal(UpnpHomeNetwork.PublicAddress, await search.Gateway.GetExternalIPAddressAsync(CancellationToken.None));
        Assert.Equal(UpnpHomeNetwork.LanAddress, await NatSockets.LocalAddressTowardAsync(search.Gateway.Service.ControlUrl, net.LanSockets));
    }

    [Fact]
    public async Task MappingsForUdpAndTcpAreAddedQueriedListedAndDeleted()
    {
        using var net = NewHomeNetwork();
        var gateway = await FindAsync(net);
        var none = CancellationToken.None;
        var udp = new PortMapping(40000, NatProtocol.Udp, UpnpHomeNetwork.LanAddress, 1194, "test udp", TimeSpan.FromHours(1));
        var tcp = new PortMapping(40001, NatProtocol.Tcp, UpnpHomeNetwork.LanAddress, 1195, "test tcp", TimeSpan.FromHours(1));

        await gateway.AddPortMappingAsync(udp, none);
        await gateway.AddPortMappingAsync(tcp, none);

        var readUdp = await gateway.GetSpecificPortMappingEntryAsync(40000, NatProtocol.Udp, none);
        Assert.NotNull(readUdp);
        Assert.Equal((UpnpHomeNetwork.LanAddress, 1194, "test udp"), (readUdp.InternalClient, readUdp.InternalPort, readUdp.Description));
        Assert.InRange(readUdp.LeaseDuration, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Null(await gateway.GetSpecificPortMappingEntryAsync(40000, NatProtocol.Tcp, none)); // protocols are distinct entries
        var list = await gateway.ListPortMappingsAsync(none);
        Assert.Equal([(40000, NatProtocol.Udp, 1194), (40001, NatProtocol.Tcp, 1195)],
            list.Select(m => (m.ExternalPort, m.Protocol, m.InternalPort)).OrderBy(m => m.ExternalPort));
        var rules = net.Rules();
        Assert.Contains("th dport 40000 dnat ip to 198.51.100.2:1194", rules);
        Assert.Contains("th dport 40001 dnat ip to 198.51.100.2:1195", rules);

        await gateway.DeletePortMappingAsync(40000, NatProtocol.Udp, none);
        await gateway.DeletePortMappingAsync(40001, NatProtocol.Tcp, none);

        Assert.Null(await gateway.GetSpecificPortMappingEntryAsync(40000, NatProtocol.Udp, none));
        Assert.Empty(await gateway.ListPortMappingsAsync(none));
        Assert.DoesNotContain("dport 40000", net.Rules());
    }

    [Fact]
    public async Task APortMappedByAnotherClientIsA718Conflict()
    {
        using var net = NewHomeNetwork();
        var gateway = await FindAsync(net);
        // secure_mode is off in the fixture, so this stands for a second LAN host, 198.51.100.3.
        await gateway.AddPortMappingAsync(new PortMapping(40000, NatProtocol.Tcp, IPAddress.Parse("198.51.100.3"), 2222, "other host", TimeSpan.Zero), default);

        var fault = await Assert.ThrowsAsync<UpnpFaultException>(() => gateway.AddPortMappingAsync(
            new PortMapping(40000, NatProtocol.Tcp, UpnpHomeNetwork.LanAddress, 1194, "ours", TimeSpan.FromHours(1)), default));

        Assert.Equal(UpnpErrorCode.ConflictInMappingEntry, fault.ErrorCode);
        Assert.Equal("AddPortMapping", fault.Action);
        Assert.Contains("718", fault.Message);
        Assert.Equal(IPAddress.Parse("198.51.100.3"), (await gateway.GetSpecificPortMappingEntryAsync(40000, NatProtocol.Tcp, default))!.InternalClient);
    }

    [Fact]
    public async Task PortForwarderMapsEachPpPairWithItsOwnProtocolAroundTakenPortsAndDeletesOnStop()
    {
        using var net = NewHomeNetwork();
        var gateway = await FindAsync(net);
        await gateway.AddPortMappingAsync(new PortMapping(40000, NatProtocol.Tcp, IPAddress.Parse("198.51.100.3"), 2222, "other host", TimeSpan.Zero), default);
        var log = new LogCapture();
        // A two-port range with 40000/TCP taken: the TCP pair can only end on 40001.
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp"), new ForwardedPort(1194, "tcp-server")],
            Options(net) with { MinExternalPort = 40000, MaxExternalPort = 40001 }, log.Logger);

        var addresses = await forwarder.StartAsync(default);

        Assert.Equal(NatState.Mapped, forwarder.Status.State);
        Assert.Equal(2, addresses.Count);
        Assert.Equal("udp", addresses[0].Protocol);
        Assert.Equal(("tcp-client", 40001), (addresses[1].Protocol, addresses[1].Port));
        Assert.All(addresses, a => Assert.Equal(UpnpHomeNetwork.PublicAddress, a.Ip));
        var udp = await gateway.GetSpecificPortMappingEntryAsync(addresses[0].Port, NatProtocol.Udp, default);
        var tcp = await gateway.GetSpecificPortMappingEntryAsync(40001, NatProtocol.Tcp, default);
        Assert.Equal((UpnpHomeNetwork.LanAddress, 1194), (udp!.InternalClient, udp.InternalPort));
        Assert.Equal((UpnpHomeNetwork.LanAddress, 1194), (tcp!.InternalClient, tcp.InternalPort));
        Assert.Equal(UpnpHomeNetwork.LanAddress, forwarder.Status.LanAddress);

        await forwarder.StopAsync(default);

        Assert.Equal(NatState.Stopped, forwarder.Status.State);
        var left = await gateway.ListPortMappingsAsync(default);
        Assert.Equal([IPAddress.Parse("198.51.100.3")], left.Select(m => m.InternalClient)); // only the other host's
    }

    [Fact]
    public async Task RefreshPutsBackAMappingTheGatewayLostOnTheSamePort()
    {
        using var net = NewHomeNetwork();
        var gateway = await FindAsync(net);
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(net), new LogCapture().Logger);
        var first = await forwarder.StartAsync(default);
        var started = forwarder.Status.LastRefresh;
        await gateway.DeletePortMappingAsync(first[0].Port, NatProtocol.Udp, default); // as a router reboot without a lease file would

        var second = await forwarder.RefreshAsync(default);

        Assert.Equal(first, second);
        Assert.True(forwarder.Status.LastRefresh > started);
        var back = await gateway.GetSpecificPortMappingEntryAsync(first[0].Port, NatProtocol.Udp, default);
        Assert.Equal(UpnpHomeNetwork.LanAddress, back?.InternalClient);
        Assert.NotNull(forwarder.Status.Mappings[0].Expires);
    }

    [Fact]
    public async Task AGatewayThatDisappearsBetweenDiscoveryAndRefreshIsLoggedAndFoundAgain()
    {
        using var net = NewHomeNetwork();
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(net), log.Logger);
        var mapped = await forwarder.StartAsync(default);
        var control = forwarder.Status.Gateway!;

        net.KillMiniUpnpd();
        var during = await forwarder.RefreshAsync(default);

        Assert.Equal(NatState.Failed, forwarder.Status.State);
        Assert.Equal(mapped, during); // a transient failure does not withdraw the advertised address
        Assert.Contains(control.ToString(), forwarder.Status.Error);
        Assert.Contains(log.At(LogLevel.Warning), r => r.Message.Contains("UPnP refresh failed") && r.Message.Contains(control.ToString()));

        var gone = await forwarder.RefreshAsync(default);
        Assert.Equal(NatState.NoGateway, forwarder.Status.State);
        Assert.Empty(gone);

        net.StartMiniUpnpd();
        var back = await forwarder.RefreshAsync(default);
        Assert.True(NatState.Mapped == forwarder.Status.State, $"{forwarder.Status}\n{log}\n{File.ReadAllText(net.MiniUpnpdLog)}");
        Assert.Equal(mapped, back); // miniupnpd reloaded our mapping from its lease file; we recognise it and keep the port
    }

    [Fact]
    public async Task RunAsyncRefreshesUntilCancelledThenDeletesItsMappings()
    {
        using var net = NewHomeNetwork();
        var gateway = await FindAsync(net);
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp"), new ForwardedPort(1195, "tcp-server")],
            Options(net) with { RefreshInterval = TimeSpan.FromMilliseconds(500) }, log.Logger);
        var changes = new List<IReadOnlyList<Vifibnet.Addressing.PeerAddress>>();
        forwarder.PublicAddressesChanged += changes.Add;
        using var stop = new CancellationTokenSource();

        var run = forwarder.RunAsync(stop.Token);
        var firstRefresh = await WaitForAsync(() => forwarder.Status.LastRefresh);
        await WaitForAsync(() => forwarder.Status.LastRefresh > firstRefresh.AddMilliseconds(400) ? (DateTimeOffset?)forwarder.Status.LastRefresh : null);
        Assert.Equal(2, (await gateway.ListPortMappingsAsync(default)).Count);
        stop.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(NatState.Stopped, forwarder.Status.State);
        Assert.Empty(await gateway.ListPortMappingsAsync(default));
        Assert.Equal(2, changes.Count); // mapped once (refreshes kept the same ports), then withdrawn
        Assert.Equal(2, changes[0].Count);
        Assert.Empty(changes[1]);
    }

    [Fact]
    public async Task NoGatewayOnTheLanIsLoggedAtInfoAndReportsNone()
    {
        using var net = NewHomeNetwork();
        net.KillMiniUpnpd();
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], Options(net) with { DiscoveryWait = TimeSpan.FromSeconds(1) }, log.Logger);

        var addresses = await forwarder.StartAsync(default);

        Assert.Empty(addresses);
        Assert.Equal(NatState.NoGateway, forwarder.Status.State);
        Assert.Contains(log.At(LogLevel.Info), r => r.Message.Contains("no UPnP gateway answered"));
        Assert.Empty(log.At(LogLevel.Warning));
    }

    [Fact]
    public async Task AHostWithNoNetworkAtAllReportsNoGatewayAtInfo()
    {
        Requires.Root();
        using var lab = new NetworkLab($"vu{Guid.NewGuid().ToString("N")[..5]}-");
        var isolated = lab.CreateNamespace("iso"); // lo only: multicast has no route
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp")], new PortForwarderOptions { Open = NamespaceSocket.OpenerIn(isolated) }, log.Logger);

        Assert.Empty(await forwarder.StartAsync(default));

        Assert.Equal(NatState.NoGateway, forwarder.Status.State);
        Assert.Contains(log.At(LogLevel.Debug), r => r.Message.Contains("could not be sent"));
        Assert.Contains(log.At(LogLevel.Info), r => r.Message.Contains("no UPnP gateway answered"));
        Assert.Empty(log.At(LogLevel.Warning));
    }

    /// <summary>The home network behind miniupnpd; says loudly what is missing when it cannot be built here.</summary>
    internal static UpnpHomeNetwork NewHomeNetwork()
    {
        Requires.Root();
        Requires.Tool("ip", "iproute2");
        Requires.Tool("nft", "nftables");
        Requires.Tool("miniupnpd", "miniupnpd miniupnpd-nftables");
        return new UpnpHomeNetwork();
    }

    internal static PortForwarderOptions Options(UpnpHomeNetwork net) => new() { Open = net.LanSockets, DiscoveryWait = Wait };

    internal static async Task<IgdClient> FindAsync(UpnpHomeNetwork net)
    {
        var http = NatSockets.CreateHttpClient(net.LanSockets);
        var search = await new GatewayLocator(http, Logger.Null, net.LanSockets).FindAsync(Wait, default);
        return search.Gateway ?? throw new Xunit.Sdk.XunitException($"miniupnpd not found: {search.Summary}\n{File.ReadAllText(net.MiniUpnpdLog)}");
    }

    static async Task<T> WaitForAsync<T>(Func<T?> probe) where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is T value) return value;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("condition not met in 15 s");
    }
}
