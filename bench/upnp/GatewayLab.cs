using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vifibnet.Nat;

namespace Vifibnet.Bench;

/// <summary>
/// Two namespaces (vu-b*): a LAN host 198.51.100.2 and a gateway 198.51.100.1 running miniupnpd,
/// whose WAN link carries the public-routable address it insists on, inside the namespace only.
/// Everything is removed on Dispose.
/// </summary>
sealed class GatewayLab : IDisposable
{
    readonly string id = Guid.NewGuid().ToString("N")[..6];
    readonly string dir;
    Process? miniupnpd;

    public string Lan => $"vu-bl-{id}";
    public string Gateway => $"vu-bg-{id}";

    public GatewayLab()
    {
        dir = Directory.CreateTempSubdirectory("vu-bench-").FullName;
        try
        {
            Run("ip", "netns", "add", Lan);
            Run("ip", "netns", "add", Gateway);
            Run("ip", "link", "add", $"vu-bl{id}", "netns", Lan, "type", "veth", "peer", "name", $"vu-bg{id}", "netns", Gateway);
            // The WAN side: a veth pair with both ends in the gateway namespace (no dummy driver here).
            Run("ip", "link", "add", $"vu-bw{id}", "netns", Gateway, "type", "veth", "peer", "name", $"vu-bx{id}", "netns", Gateway);
            Run("ip", "-n", Gateway, "link", "set", $"vu-bx{id}", "up");
            foreach (var (ns, dev, addr) in new[] { (Lan, $"vu-bl{id}", "198.51.100.2/24"), (Gateway, $"vu-bg{id}", "198.51.100.1/24"), (Gateway, $"vu-bw{id}", "11.0.0.1/32") })
            {
                Run("ip", "-n", ns, "addr", "add", addr, "dev", dev);
                Run("ip", "-n", ns, "link", "set", dev, "up");
                Run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            Run("ip", "-n", Lan, "route", "add", "default", "via", "198.51.100.1");
            File.WriteAllText(Path.Combine(dir, "rules.nft"), """
                table inet vu_filter {
                  chain forward { type filter hook forward priority 0; policy drop; jump miniupnpd; }
                  chain miniupnpd { }
                }
                table inet vu_nat {
                  chain prerouting { type nat hook prerouting priority -100; policy accept; jump pre_upnp; }
                  chain postrouting { type nat hook postrouting priority 100; policy accept; jump post_upnp; }
                  chain pre_upnp { }
                  chain post_upnp { }
                }
                """);
            Run("ip", "netns", "exec", Gateway, "nft", "-f", Path.Combine(dir, "rules.nft"));
            File.WriteAllText(Path.Combine(dir, "miniupnpd.conf"), $"""
                ext_ifname=vu-bw{id}
                ext_ip=11.0.0.1
                listening_ip=vu-bg{id}
                http_port=0
                enable_natpmp=no
                secure_mode=yes
                uuid={Guid.NewGuid()}
                upnp_table_name=vu_filter
                upnp_nat_table_name=vu_nat
                upnp_forward_chain=miniupnpd
                upnp_nat_chain=pre_upnp
                upnp_nat_postrouting_chain=post_upnp
                allow 1024-65535 198.51.100.0/24 1024-65535
                deny 0-65535 0.0.0.0/0 0-65535

                """);
            var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "netns", "exec", Gateway, "miniupnpd", "-f", Path.Combine(dir, "miniupnpd.conf"), "-d", "-4", "-P", Path.Combine(dir, "pid") })
                info.ArgumentList.Add(a);
            miniupnpd = Process.Start(info)!;
            miniupnpd.OutputDataReceived += (_, _) => { };
            miniupnpd.ErrorDataReceived += (_, _) => { };
            miniupnpd.BeginOutputReadLine();
            miniupnpd.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Run("ip", "netns", "exec", Gateway, "ss", "-Hlun", "sport = :1900").Trim().Length == 0)
            {
                if (miniupnpd.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException("miniupnpd did not start");
                Thread.Sleep(50);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens sockets in the LAN namespace: this thread enters it for the socket() call only.</summary>
    public SocketOpener Sockets => (family, type, protocol) =>
    {
        var home = open("/proc/thread-self/ns/net", 0x80000);
        var target = open($"/run/netns/{Lan}", 0x80000);
        try
        {
            if (home < 0 || target < 0 || setns(target, 0x40000000) != 0) throw new InvalidOperationException($"cannot enter {Lan}");
            try { return new Socket(family, type, protocol); }
            finally { if (setns(home, 0x40000000) != 0) Environment.FailFast("thread stuck in a bench namespace"); }
        }
        finally
        {
            if (target >= 0) close(target);
            if (home >= 0) close(home);
        }
    };

    static string Run(params string[] args)
    {
        var info = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Skip(1)) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args)}: {error}");
        return output;
    }

    public void Dispose()
    {
        if (miniupnpd is { HasExited: false }) { miniupnpd.Kill(); miniupnpd.WaitForExit(5000); }
        foreach (var ns in new[] { Lan, Gateway })
        {
            try { Run("ip", "netns", "del", ns); } catch (InvalidOperationException) { }
        }
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    [DllImport("libc", SetLastError = true)] static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] static extern int setns(int fd, int nstype);
}
