using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.Lab;

/// <summary>
/// A small internet of network namespaces on this machine (tests, `vifibnet demo`, benchmarks):
/// namespaces named with one prefix, a bridge living in a namespace of its own (never the root
/// namespace), veth links, addresses, and processes run inside a namespace. Needs root. Dispose
/// kills every process in its namespaces and deletes them; <see cref="RemoveLeftovers"/> does the
/// same for anything with the prefix a killed earlier run left behind.
/// Use documentation addresses only (198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
/// </summary>
public sealed class NetworkLab : IDisposable
{
    readonly List<string> namespaces = [];
    readonly List<ChildProcess> processes = [];
    readonly Logger log;
    bool disposed;

    /// <summary>Every namespace this lab makes starts with this (e.g. "vd-").</summary>
    public string Prefix { get; }

    public NetworkLab(string prefix, Logger? log = null)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > 8 || prefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            throw new ArgumentException($"lab prefix '{prefix}' must be 1..8 letters, digits or '-'", nameof(prefix));
        Prefix = prefix;
        this.log = log ?? Logger.Null;
        RemoveLeftovers(prefix, this.log);
    }

    /// <summary>Whether this process may build a lab: namespaces, veth pairs, bridges and tap devices need root.</summary>
    public static bool RunningAsRoot => geteuid() == 0;

    /// <summary>The full namespace name for a short name.</summary>
    public string Namespace(string name) => Prefix + name;

    /// <summary>Creates a namespace with lo up and IP forwarding on (every host may route).</summary>
    public string CreateNamespace(string name)
    {
        var ns = Namespace(name);
        Ip("netns", "add", ns);
        namespaces.Add(ns);
        Ip("-n", ns, "link", "set", "dev", "lo", "up");
        Exec(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        return ns;
    }

    /// <summary>Creates a namespace holding only a bridge: the shared segment hosts plug into.</summary>
    public string CreateBridge(string name, string bridge = "br0")
    {
        var ns = CreateNamespace(name);
        Ip("-n", ns, "link", "add", bridge, "type", "bridge");
        Ip("-n", ns, "link", "set", "dev", bridge, "up");
        return ns;
    }

    /// <summary>A veth pair between two namespaces, both ends up. Created inside <paramref name="nsA"/>: the root namespace never sees it.</summary>
    public void Link(string nsA, string ifA, string nsB, string ifB)
    {
        Ip("-n", nsA, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        Ip("-n", nsA, "link", "set", "dev", ifA, "up");
        Ip("-n", nsB, "link", "set", "dev", ifB, "up");
    }

    /// <summary>Plugs an interface of the bridge's namespace into the bridge.</summary>
    public void AttachToBridge(string bridgeNs, string iface, string bridge = "br0") =>
        Ip("-n", bridgeNs, "link", "set", "dev", iface, "master", bridge);

    /// <summary>Adds an address; an IPv6 one skips duplicate address detection, so it is usable at once.</summary>
    public void AddAddress(string ns, string iface, string cidr)
    {
        if (cidr.Contains(':', StringComparison.Ordinal)) Ip("-n", ns, "addr", "add", cidr, "dev", iface, "nodad");
        else Ip("-n", ns, "addr", "add", cidr, "dev", iface);
    }

    /// <summary>A host on the bridge: its own namespace, eth0 with <paramref name="cidr"/>, linked to the bridge.</summary>
    public string AddHost(string name, string cidr, string bridgeNs, string bridge = "br0")
    {
        var ns = CreateNamespace(name);
        var port = "p-" + name;
        if (port.Length > 15) throw new ArgumentException($"host name '{name}' is too long for an interface name", nameof(name));
        Link(bridgeNs, port, ns, "eth0");
        AttachToBridge(bridgeNs, port, bridge);
        AddAddress(ns, "eth0", cidr);
        return ns;
    }

    /// <summary>Takes an interface down (a cut link) or up again.</summary>
    public void SetLink(string ns, string iface, bool up) => Ip("-n", ns, "link", "set", "dev", iface, up ? "up" : "down");

    /// <summary>Makes the namespace a NAT gateway: what leaves through <paramref name="wanIface"/> is masqueraded (nft), and nothing from outside can open a connection in.</summary>
    public void Masquerade(string ns, string wanIface) =>
        Nft(ns, $"table ip vifib-nat {{\n chain post {{\n  type nat hook postrouting priority srcnat;\n  oifname \"{wanIface}\" masquerade\n }}\n}}");

    /// <summary>The namespace's default IPv4 route.</summary>
    public void AddDefaultRoute(string ns, string via) => Ip("-n", ns, "route", "add", "default", "via", via);

    /// <summary>
    /// A silent cut of the path between this namespace and <paramref name="remote"/>: packets are
    /// dropped both ways, processes and links stay up (as when a router on the way fails).
    /// </summary>
    public void CutPath(string ns, string remote) =>
        Nft(ns, $"table inet vifib-cut {{\n chain out {{\n  type filter hook output priority 0;\n  {Family(remote)} daddr {remote} drop\n }}\n chain in {{\n  type filter hook input priority 0;\n  {Family(remote)} saddr {remote} drop\n }}\n}}");

    static string Family(string address) => address.Contains(':', StringComparison.Ordinal) ? "ip6" : "ip";

    /// <summary>
    /// Random loss on the underlay (sch_netem is missing in this kernel): <paramref name="percent"/> % of the
    /// IPv4 packets this namespace receives are dropped (nft numgen). The overlay is IPv6 and its tap
    /// devices are left alone, so a packet between two namespaces that both lose is dropped once per direction.
    /// </summary>
    public void AddLoss(string ns, int percent) =>
        Nft(ns, $"table inet vifib-loss {{\n chain in {{\n  type filter hook input priority 0;\n  meta nfproto ipv4 numgen random mod 100 < {percent} drop\n }}\n}}");

    /// <summary>Removes what <see cref="AddLoss"/> added.</summary>
    public void RemoveLoss(string ns) => TryExec(ns, "nft", "delete", "table", "inet", "vifib-loss");

    /// <summary>Removes every cut <see cref="CutPath"/> made in this namespace.</summary>
    public void RestorePaths(string ns) => TryExec(ns, "nft", "delete", "table", "inet", "vifib-cut");

    void Nft(string ns, string ruleset)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, ruleset + "\n");
            Exec(ns, "nft", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The namespaces this lab made and still owns.</summary>
    public IReadOnlyList<string> Namespaces => [.. namespaces];

    /// <summary>Namespaces on this machine whose name starts with <paramref name="prefix"/> (what a clean-up check looks for).</summary>
    public static IReadOnlyList<string> Existing(string prefix)
    {
        var (code, output) = Command.TryRun(Tools.Ip, "netns", "list");
        return code != 0 ? [] : [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(prefix, StringComparison.Ordinal))];
    }

    /// <summary>Runs a command inside the namespace and returns its output; throws on failure.</summary>
    public string Exec(string ns, string program, params string[] args) =>
        Command.Run(Tools.Ip, ["netns", "exec", ns, program, .. args]);

    public (int ExitCode, string Output) TryExec(string ns, string program, params string[] args) =>
        Command.TryRun(Tools.Ip, ["netns", "exec", ns, program, .. args]);

    /// <summary>Starts a long-running process inside the namespace; it is killed on Dispose at the latest.</summary>
    public ChildProcess Start(string ns, string name, string program, IEnumerable<string> args, string? logFile, Action<string>? onLine = null)
    {
        var child = ChildProcess.Start(name, Tools.Find(Tools.Ip), ["netns", "exec", ns, program, .. args], logFile, log, onLine);
        lock (processes) processes.Add(child);
        return child;
    }

    /// <summary>Process ids running inside a namespace.</summary>
    public static IReadOnlyList<int> Pids(string ns)
    {
        var (code, output) = Command.TryRun(Tools.Ip, "netns", "pids", ns);
        return code != 0 ? [] : [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.TryParse(p.Trim(), out var pid) ? pid : 0).Where(p => p > 0)];
    }

    /// <summary>Kills every process in the namespaces with this prefix and deletes the namespaces.</summary>
    public static void RemoveLeftovers(string prefix, Logger? log = null)
    {
        var (code, output) = Command.TryRun(Tools.Ip, "netns", "list");
        if (code != 0) return;
        foreach (var ns in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            (log ?? Logger.Null).Warning($"removing leftover namespace {ns}");
            Delete(ns);
        }
    }

    static void Delete(string ns)
    {
        // A namespace stays alive while a process runs in it: end them first, gently then surely.
        foreach (var signal in new[] { "TERM", "KILL" })
        {
            var pids = Pids(ns);
            if (pids.Count == 0) break;
            Command.TryRun("kill", ["-" + signal, .. pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            for (var i = 0; i < 30 && Pids(ns).Count > 0; i++) Thread.Sleep(100);
        }
        Command.TryRun(Tools.Ip, "netns", "del", ns);
    }

    static void Ip(params string[] args) => Command.Run(Tools.Ip, args);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        lock (processes)
            foreach (var p in processes) p.Dispose();
        foreach (var ns in Enumerable.Reverse(namespaces)) Delete(ns);
        namespaces.Clear();
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    static extern uint geteuid();
}
