using System.Diagnostics;
using System.Net;
using Vifibnet.Tests.Support;
using Xunit.Sdk;

namespace Vifibnet.Tests.Nat;

/// <summary>
/// A home network in three namespaces: "lan" (our node, 198.51.100.2), "gw" (the NAT router
/// running Debian's miniupnpd, LAN 198.51.100.1, WAN 203.0.113.1 plus <see cref="PublicAddress"/>)
/// and "inet" (a host on the internet side, 203.0.113.2). No namespace has a route toward the
/// host's own network; Dispose kills miniupnpd and deletes everything, even after a failure.
/// </summary>
sealed class UpnpTestNetwork : IDisposable
{
    /// <summary>
    /// miniupnpd 2.3.1 refuses private and documentation addresses as its external address, so
    /// the gateway's WAN carries this public-routable one. It exists only inside these namespaces:
    /// "inet" has a host route to it on the test link, and nothing in the root namespace uses it.
    /// </summary>
    public static readonly IPAddress PublicAddress = IPAddress.Parse("11.0.0.1");
    public static readonly IPAddress LanAddress = IPAddress.Parse("198.51.100.2");
    public static readonly IPAddress GatewayLanAddress = IPAddress.Parse("198.51.100.1");
    public static readonly IPAddress InternetAddress = IPAddress.Parse("203.0.113.2");

    readonly List<NetworkNamespace> namespaces = [];
    Process? miniupnpd;

    public NetworkNamespace Lan { get; }
    public NetworkNamespace Gateway { get; }
    public NetworkNamespace Internet { get; }
    public string Directory { get; }
    public string WanInterface { get; }
    public string MiniUpnpdLog => Path.Combine(Directory, "miniupnpd.log");

    public UpnpTestNetwork()
    {
        Requires.Root();
        Requires.Tool("ip", "iproute2");
        Requires.Tool("nft", "nftables");
        Requires.Tool("miniupnpd", "miniupnpd miniupnpd-nftables");
        var id = Guid.NewGuid().ToString("N")[..6];
        Directory = System.IO.Directory.CreateTempSubdirectory($"vu-upnp-{id}-").FullName;
        WanInterface = $"vu-w{id}";
        try
        {
            Lan = Add($"vu-lan-{id}");
            Gateway = Add($"vu-gw-{id}");
            Internet = Add($"vu-inet-{id}");
            var lanLink = $"vu-l{id}";
            Shell.Run("ip", "link", "add", lanLink, "netns", Lan.Name, "type", "veth", "peer", "name", $"vu-g{id}", "netns", Gateway.Name);
            Shell.Run("ip", "link", "add", WanInterface, "netns", Gateway.Name, "type", "veth", "peer", "name", $"vu-i{id}", "netns", Internet.Name);
            Lan.Ip("addr", "add", $"{LanAddress}/24", "dev", lanLink);
            Gateway.Ip("addr", "add", $"{GatewayLanAddress}/24", "dev", $"vu-g{id}");
            Gateway.Ip("addr", "add", "203.0.113.1/24", "dev", WanInterface);
            Gateway.Ip("addr", "add", $"{PublicAddress}/32", "dev", WanInterface);
            Internet.Ip("addr", "add", $"{InternetAddress}/24", "dev", $"vu-i{id}");
            Lan.Ip("link", "set", lanLink, "up");
            Gateway.Ip("link", "set", $"vu-g{id}", "up");
            Gateway.Ip("link", "set", WanInterface, "up");
            Internet.Ip("link", "set", $"vu-i{id}", "up");
            Lan.Ip("route", "add", "default", "via", GatewayLanAddress.ToString());
            Internet.Ip("route", "add", $"{PublicAddress}/32", "dev", $"vu-i{id}");
            Gateway.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            File.WriteAllText(Path.Combine(Directory, "ruleset.nft"), Ruleset($"vu-g{id}", WanInterface));
            Gateway.Exec("nft", "-f", Path.Combine(Directory, "ruleset.nft"));
            File.WriteAllText(Path.Combine(Directory, "miniupnpd.conf"), Config($"vu-g{id}"));
            StartMiniUpnpd();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Where miniupnpd keeps its mappings across restarts (as a router does).</summary>
    public string LeaseFile => Path.Combine(Directory, "upnp.leases");

    public void StartMiniUpnpd()
    {
        if (miniupnpd is { HasExited: false }) throw new InvalidOperationException("miniupnpd already runs");
        miniupnpd = Gateway.Start(MiniUpnpdLog, "miniupnpd", "-f", Path.Combine(Directory, "miniupnpd.conf"), "-d", "-4",
            "-P", Path.Combine(Directory, "miniupnpd.pid"));
        // It is ready once it has said its HTTP port and bound SSDP's port 1900 (which it does silently, after).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadAllText(MiniUpnpdLog).Contains("HTTP listening on port", StringComparison.Ordinal)
            || Gateway.Exec("ss", "-Hlun", "sport = :1900").Trim().Length == 0)
        {
            if (miniupnpd.HasExited || DateTime.UtcNow > deadline)
                throw new XunitException($"miniupnpd did not start; its log:\n{File.ReadAllText(MiniUpnpdLog)}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The gateway vanishes: miniupnpd is killed (its forwarding rules stay, as a crashed router's would).</summary>
    public void KillMiniUpnpd()
    {
        Shell.Stop(miniupnpd);
        miniupnpd = null;
    }

    /// <summary>The gateway's nftables rules, to check what miniupnpd installed.</summary>
    public string Rules() => Gateway.Exec("nft", "list", "ruleset");

    NetworkNamespace Add(string name)
    {
        var ns = NetworkNamespace.Create(name);
        namespaces.Add(ns);
        return ns;
    }

    /// <summary>
    /// Debian's nft_init.sh is broken, so the fixture makes the chains miniupnpd fills: a forward
    /// filter that lets LAN traffic out and only mapped ports in, and the nat hooks jumping to
    /// miniupnpd's chains, plus masquerade for the LAN.
    /// </summary>
    static string Ruleset(string lan, string wan) => $$"""
        table inet vu_filter {
          chain forward {
            type filter hook forward priority 0; policy drop;
            ct state established,related accept
            iifname "{{lan}}" accept
            jump miniupnpd
          }
          chain miniupnpd { }
        }
        table inet vu_nat {
          chain prerouting {
            type nat hook prerouting priority -100; policy accept;
            jump prerouting_miniupnpd
          }
          chain postrouting {
            type nat hook postrouting priority 100; policy accept;
            jump postrouting_miniupnpd
            oifname "{{wan}}" masquerade
          }
          chain prerouting_miniupnpd { }
          chain postrouting_miniupnpd { }
        }
        """;

    /// <summary>secure_mode off, so a test can stand in for a second LAN client when it maps for 198.51.100.3.</summary>
    string Config(string lan) => $"""
        ext_ifname={WanInterface}
        ext_ip={PublicAddress}
        listening_ip={lan}
        http_port=0
        enable_natpmp=no
        enable_upnp=yes
        secure_mode=no
        system_uptime=yes
        notify_interval=60
        uuid={Guid.NewGuid()}
        upnp_table_name=vu_filter
        upnp_nat_table_name=vu_nat
        upnp_forward_chain=miniupnpd
        upnp_nat_chain=prerouting_miniupnpd
        upnp_nat_postrouting_chain=postrouting_miniupnpd
        lease_file={LeaseFile}
        allow 1024-65535 198.51.100.0/24 1024-65535
        deny 0-65535 0.0.0.0/0 0-65535

        """;

    public void Dispose()
    {
        KillMiniUpnpd();
        foreach (var ns in namespaces) ns.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
