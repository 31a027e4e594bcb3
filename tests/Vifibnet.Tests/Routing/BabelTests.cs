using System.Net;
using Vifibnet.Addressing;
using Vifibnet.Configuration;
using Vifibnet.Node;
using Vifibnet.Routing;

namespace Vifibnet.Tests.Routing;

public class BabelTests
{
    [Fact]
    public void BabeldAnnouncesOnlyTheNodesAddressAndAcceptsOnlyTheNetwork()
    {
        var o = NodeOptionParser.Parse(["-s", "/srv/n1", "-l", "/log/n1", "--hello", "4", "-w", "-i", "eth1"]);
        var network = NetworkPrefix.Parse("2001:db8:42::/48");
        var subnet = NetworkPrefix.Parse("2001:db8:42:7::/64");
        var args = BabelArguments.Build(ChildSettings.Babel(o, NodePaths.Of(o)), network, subnet, IPAddress.Parse("2001:db8:42:7::1"), ["vifib-s0", "vifib-c0", "eth1", "vifib-c0"]);
        var statements = args.Select((a, i) => (a, i)).Where(x => x.a == "-C").Select(x => args[x.i + 1]).ToList();
        Assert.Equal([
            "redistribute local ip 2001:db8:42:7::1/128 allow",
            "redistribute ip 2001:db8:42:7::/64 eq 64 allow",
            "redistribute local deny",
            "redistribute deny",
            "in ip 2001:db8:42::/48 allow",
            "in deny",
            "interface vifib-s0 link-quality true",
            "interface vifib-c0 link-quality true",
            "interface vifib-s0 update-interval 1",
            "interface vifib-c0 update-interval 1",
            "interface vifib-s0 enable-timestamps true",
            "interface vifib-c0 enable-timestamps true"], statements);
        Assert.Equal("4", args[args.ToList().IndexOf("-h") + 1]);
        Assert.Equal("4", args[args.ToList().IndexOf("-H") + 1]);
        Assert.Contains("-w", args);
        Assert.DoesNotContain("-M", args); // link quality everywhere: its metrics vary, babeld keeps smoothing them
        Assert.Equal("/srv/n1/run/babeld.pid", args[args.ToList().IndexOf("-I") + 1]);
        Assert.Equal("/srv/n1/vifibnet.babeld.state", args[args.ToList().IndexOf("-S") + 1]);
        Assert.Equal("/srv/n1/run/babeld.sock", args[args.ToList().IndexOf("-G") + 1]);
        Assert.Equal(["vifib-s0", "vifib-c0", "eth1"], args.TakeLast(3));
        Assert.DoesNotContain("-d", args);
    }

    [Fact]
    public void DumpGivesRoutesPerInterfaceInstalledOrNot()
    {
        var routes = BabelRoute.ParseDump([
            "add interface e0 up true ipv6 fe80::5090:85ff:fe8f:6a32",
            "add neighbour 55feb14d3120 address fe80::ece9:bcff:fe7c:878a if e0 reach f000 ureach 0000 rxcost 96 txcost 96 cost 96",
            "add xroute 2001:db8:42:1::1/128-::/0 prefix 2001:db8:42:1::1/128 from ::/0 metric 0",
            "add route 55feb14d3340 prefix 2001:db8:42:2::1/128 from ::/0 installed yes id 00:90:3e:e4:7a:26:f2:f4 metric 96 refmetric 0 via fe80::ece9:bcff:fe7c:878a if vifib-c0",
            "add route 55feb14d3341 prefix 2001:db8:42:2::1/128 from ::/0 installed no id 00:90:3e:e4:7a:26:f2:f4 metric 192 refmetric 96 via fe80::1 if eth1",
            "add route 55feb14d3342 prefix 2001:db8:42:3::/64 from ::/0 installed yes id 00:90:3e:e4:7a:26:f2:f5 metric 96 refmetric 0 via fe80::2 if vifib-c0",
        ]);
        Assert.Equal(3, routes.Count);
        Assert.Equal(new BabelRoute(IPAddress.Parse("2001:db8:42:2::1"), 128, "eth1", false)
        {
            Metric = 192, RefMetric = 96, Via = IPAddress.Parse("fe80::1"),
        }, routes[1]);
        Assert.Equal(64, routes[2].Length);
        Assert.Equal(new Dictionary<string, int> { ["vifib-c0"] = 2 }, BabelRoute.CountInstalledByDevice(routes));
    }

    [Fact]
    public void TunnelLinkQualityGoesOnTheTunnelsOnly()
    {
        var o = NodeOptionParser.Parse(["-s", "/srv/n1", "-i", "eth1"]);
        var settings = ChildSettings.Babel(o, NodePaths.Of(o));
        IReadOnlyList<string> Build(BabelSettings b) => BabelArguments.Build(b, NetworkPrefix.Parse("2001:db8:42::/48"),
            NetworkPrefix.Parse("2001:db8:42:7::/64"), IPAddress.Parse("2001:db8:42:7::1"), ["vifib-s0", "vifib-c0", "eth1"]);
        // On by default (measured: see docs/mesh.md), only for the tunnels, not the LAN interface; its costs vary, so babeld
        // keeps smoothing them. Without it costs are fixed and a better route is taken at once (no smoothing).
        var args = Build(settings);
        Assert.DoesNotContain("-M", args);
        var fixedCosts = Build(settings with { TunnelLinkQuality = false });
        Assert.DoesNotContain(fixedCosts, a => a.Contains("link-quality", StringComparison.Ordinal));
        Assert.Equal("0", fixedCosts[fixedCosts.ToList().IndexOf("-M") + 1]);
        Assert.Equal(["interface vifib-s0 link-quality true", "interface vifib-c0 link-quality true"],
            args.Where(a => a.Contains("link-quality", StringComparison.Ordinal)));
    }

    [Fact]
    public void ANewNeighbourOnAClientTapThatHadOneIsItsPeerRestartedNotANewTunnelNorAReload()
    {
        var dump = BabelNeighbour.ParseDump([
            "add interface vifib-c0 up true ipv6 fe80::1",
            "add neighbour 5601 address fe80::a if vifib-c0 reach ff00 ureach 0000 rxcost 96 txcost 96 cost 96",
            "add neighbour 5602 address fe80::b if vifib-c0 reach 8000 ureach 0000 rxcost 65535 txcost 65535 cost 65535",
            "add neighbour 5603 address fe80::c if vifib-c1 reach 8000 ureach 0000 rxcost 65535 txcost 65535 cost 65535",
            "add neighbour 5604 address fe80::d if vifib-s0 reach 8000 ureach 0000 rxcost 65535 txcost 65535 cost 65535",
            "add route 1 prefix 2001:db8:42:2::1/128 from ::/0 installed yes id x metric 96 refmetric 0 via fe80::a if vifib-c0",
        ]);
        Assert.Equal(new BabelNeighbour(IPAddress.Parse("fe80::b"), "vifib-c0"), dump[1]);
        Assert.Equal(4, dump.Count);
        var before = new Dictionary<string, HashSet<IPAddress>>
        {
            ["vifib-c0"] = [IPAddress.Parse("fe80::a")], // the peer before its restart
            ["vifib-s0"] = [IPAddress.Parse("fe80::e")], // a server's tap: not ours to bounce for one client
        };
        // c0: a new address beside the old one (restarted); c1: its first neighbour (a new tunnel, bounced on its own).
        Assert.Equal(["vifib-c0"], BabelNeighbour.Newcomers(before, dump, d => d.StartsWith("vifib-c", StringComparison.Ordinal)));
        // The same addresses again (a reload keeps both taps): nothing.
        var after = dump.GroupBy(n => n.Device).ToDictionary(g => g.Key, g => g.Select(n => n.Address).ToHashSet());
        Assert.Empty(BabelNeighbour.Newcomers(after, dump, d => d.StartsWith("vifib-c", StringComparison.Ordinal)));
    }
}
