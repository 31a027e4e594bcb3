using System.Net;
using Vifibnet.Nat;
using Vifibnet.Processes;

namespace Vifibnet.Lab;

/// <summary>
/// A home network in three namespaces of a <see cref="NetworkLab"/>: "lan" (our node, 198.51.100.2),
/// "gw" (the NAT router running Debian's miniupnpd, LAN 198.51.100.1, WAN 203.0.113.1 plus
/// <see cref="PublicAddress"/>) and "inet" (a host on the internet side, 203.0.113.2). No namespace
/// has a route toward the host's own network; Dispose kills miniupnpd and deletes everything, even
/// after a failure. Needs root, ip, nft and miniupnpd (UPnP tests, bench/upnp).
/// </summary>
public sealed class UpnpHomeNetwork : IDisposable
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

    const string LanLink = "lan0", GatewayLanLink = "gw-lan", InternetLink = "inet0";

    /// <summary>The gateway's WAN interface (miniupnpd's ext_ifname).</summary>
    public const string WanInterface = "gw-wan";

    ChildProcess? miniupnpd;

    /// <summary>The lab holding the three namespaces: run commands and processes in them through it.</summary>
    public NetworkLab Lab { get; }
    public string Lan { get; }
    public string Gateway { get; }
    public string Internet { get; }
    public string Directory { get; }
    public string MiniUpnpdLog => Path.Combine(Directory, "miniupnpd.log");

    /// <summary>Where miniupnpd keeps its mappings across restarts (as a router does).</summary>
    public string LeaseFile => Path.Combine(Directory, "upnp.leases");

    /// <summary>Opens sockets in the LAN namespace: the engine's UPnP client runs in-process while its traffic stays on the LAN.</summary>
    public SocketOpener LanSockets => NamespaceSocket.OpenerIn(Lan);

    public UpnpHomeNetwork()
    {
        // A prefix of its own per network: the lab removes leftovers by prefix, never a neighbour's.
        var id = Guid.NewGuid().ToString("N")[..5];
        Directory = System.IO.Directory.CreateTempSubdirectory($"vu-upnp-{id}-").FullName;
        Lab = new NetworkLab($"vu{id}-");
        try
        {
            Lan = Lab.CreateNamespace("lan");
            Gateway = Lab.CreateNamespace("gw");
            Internet = Lab.CreateNamespace("inet");
            Lab.Link(Lan, LanLink, Gateway, GatewayLanLink);
            Lab.Link(Gateway, WanInterface, Internet, InternetLink);
            Lab.AddAddress(Lan, LanLink, $"{LanAddress}/24");
            Lab.AddAddress(Gateway, GatewayLanLink, $"{GatewayLanAddress}/24");
            Lab.AddAddress(Gateway, WanInterface, "203.0.113.1/24");
            Lab.AddAddress(Gateway, WanInterface, $"{PublicAddress}/32");
            Lab.AddAddress(Internet, InternetLink, $"{InternetAddress}/24");
            Lab.AddDefaultRoute(Lan, GatewayLanAddress.ToString());
            Lab.Exec(Internet, "ip", "route", "add", $"{PublicAddress}/32", "dev", InternetLink);
            File.WriteAllText(Path.Combine(Directory, "ruleset.nft"), Ruleset(GatewayLanLink, WanInterface));
            Lab.Exec(Gateway, "nft", "-f", Path.Combine(Directory, "ruleset.nft"));
            File.WriteAllText(Path.Combine(Directory, "miniupnpd.conf"), Config(GatewayLanLink));
            StartMiniUpnpd();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void StartMiniUpnpd()
    {
        if (miniupnpd is { HasExited: false }) throw new InvalidOperationException("miniupnpd already runs");
        miniupnpd = Lab.Start(Gateway, "miniupnpd", "miniupnpd", ["-f", Path.Combine(Directory, "miniupnpd.conf"), "-d", "-4",
            "-P", Path.Combine(Directory, "miniupnpd.pid")], MiniUpnpdLog);
        // It is ready once it has said its HTTP port and bound SSDP's port 1900 (which it does silently, after).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Read(MiniUpnpdLog).Contains("HTTP listening on port", StringComparison.Ordinal)
            || Lab.Exec(Gateway, "ss", "-Hlun", "sport = :1900").Trim().Length == 0)
        {
            if (miniupnpd.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"miniupnpd did not start; its log:\n{Read(MiniUpnpdLog)}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The gateway vanishes: miniupnpd is killed (its forwarding rules stay, as a crashed router's would).</summary>
    public void KillMiniUpnpd()
    {
        if (miniupnpd is null) return;
        miniupnpd.Kill();
        miniupnpd.Exited.Wait(TimeSpan.FromSeconds(5));
        miniupnpd.Dispose();
        miniupnpd = null;
    }

    /// <summary>The gateway's nftables rules, to check what miniupnpd installed.</summary>
    public string Rules() => Lab.Exec(Gateway, "nft", "list", "ruleset");

    /// <summary>A log file another process still writes to (empty when it does not exist yet).</summary>
    public static string Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    /// <summary>
    /// Debian's nft_init.sh is broken, so the lab makes the chains miniupnpd fills: a forward
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
        Lab.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
