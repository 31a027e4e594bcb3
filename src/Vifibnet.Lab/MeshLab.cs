using System.Globalization;
using System.Net;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Processes;
using Vifibnet.Protocol;
using Vifibnet.Registry;

namespace Vifibnet.Lab;

/// <summary>
/// A whole Vifibnet network on this machine: the <see cref="DemoTopology"/> built as namespaces on a
/// <see cref="NetworkLab"/>, a network created with its registry running in a namespace, nodes
/// registered through the registry (admin token, certificate request) and run with the real
/// `vifibnet node` CLI. `vifibnet demo`, the mesh tests and bench/mesh drive it. Dispose stops and
/// removes everything it made (processes, namespaces with their tap devices, the bridge, files).
/// </summary>
public sealed class MeshLab : IAsyncDisposable
{
    static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);
    readonly MeshOptions options;
    readonly Logger log;
    readonly NetworkLab lab;
    readonly bool ownsWorkDir;
    ChildProcess? registry;

    public DemoTopology Topology { get; }
    public IReadOnlyList<MeshNode> Nodes { get; }
    public string WorkDir { get; }
    public string RegistryNamespace { get; }
    public string InternetNamespace { get; }
    public Uri RegistryUri { get; }
    public MeshOptions Options => options;
    public NetworkLab Lab => lab;

    /// <summary>
    /// Copies every node's logs and babeld's table (its `dump` now), routes, rules and links into <paramref name="dir"/>/&lt;node&gt;/,
    /// suffixed <paramref name="when"/>: a failure or a slow heal explained afterwards in the real programs' own words.
    /// </summary>
    public void SaveDiagnosis(string dir, string when)
    {
        foreach (var n in Nodes)
        {
            var to = Path.Combine(dir, n.Label);
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(n.Directory, "*.log", SearchOption.AllDirectories))
                File.Copy(file, Path.Combine(to, Path.GetRelativePath(n.Directory, file).Replace('/', '_')), overwrite: true);
            try
            {
                var dump = Routing.BabelControl.RequestAsync(new Configuration.NodePaths(n.Directory, n.Directory).BabeldSocket,
                    "dump", TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
                File.WriteAllLines(Path.Combine(to, $"babeld-dump-{when}.txt"), dump);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                File.WriteAllText(Path.Combine(to, $"babeld-dump-{when}.txt"), e.Message);
            }
            File.WriteAllText(Path.Combine(to, $"ip-{when}.txt"), $"{DateTimeOffset.UtcNow:O}\n"
                + lab.TryExec(n.Namespace, "ip", "-6", "route", "show", "table", "all").Output
                + lab.TryExec(n.Namespace, "ip", "-6", "rule").Output + lab.TryExec(n.Namespace, "ip", "-br", "link").Output);
        }
    }
    public bool RegistryRunning => registry is { HasExited: false };

    /// <summary>Leave the work directory (logs, certificates) behind at dispose, e.g. after a failure; the next run with the prefix removes it.</summary>
    public bool KeepFiles { get; set; }

    string RegistryDir => Path.Combine(WorkDir, "registry");

    MeshLab(MeshOptions options, Logger log)
    {
        this.options = options;
        this.log = log;
        Topology = DemoTopology.Build(options.Nodes, options.NatCount, options.Underlay);
        ownsWorkDir = options.WorkDir is null;
        // Removes whatever an earlier, killed run left with the same prefix: namespaces, processes, files.
        lab = new NetworkLab(options.Prefix, log);
        WorkDir = options.WorkDir ?? Path.Combine(Path.GetTempPath(), $"vifibnet-mesh-{options.Prefix.TrimEnd('-')}");
        if (ownsWorkDir && Directory.Exists(WorkDir))
        {
            log.Warning($"removing {WorkDir}, left by an earlier run");
            Directory.Delete(WorkDir, recursive: true);
        }
        Directory.CreateDirectory(WorkDir);
        InternetNamespace = lab.Namespace(DemoTopology.BridgeName);
        RegistryNamespace = lab.Namespace(DemoTopology.RegistryName);
        RegistryUri = HttpRegistryClient.UriFor(Topology.RegistryAddresses[0], options.RegistryPort);
        Nodes = [.. Topology.Nodes.Select(h => new MeshNode(h, lab.Namespace(h.Name), Path.Combine(WorkDir, h.Name)))];
    }

    /// <summary>Fails with <see cref="ToolNotFoundException"/> (naming the Debian package) unless every program the lab drives is installed.</summary>
    public static void CheckTools()
    {
        foreach (var tool in new[] { Tools.Ip, Tools.OpenVpn, Tools.Babeld, "nft", "ping" }) Tools.Find(tool);
    }

    /// <summary>Builds the internet, creates the network and starts its registry (nodes are registered and started separately).</summary>
    public static MeshLab Create(MeshOptions options, Logger log)
    {
        var mesh = new MeshLab(options, log);
        try
        {
            mesh.BuildInternet();
            var network = NetworkCreator.Create(mesh.RegistryDir, options.Network, force: true);
            log.Info($"network {network.Network} created in {mesh.RegistryDir}");
            return mesh;
        }
        catch
        {
            mesh.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    void BuildInternet()
    {
        var bridge = lab.CreateBridge(DemoTopology.BridgeName);
        var registryNs = lab.AddHost(DemoTopology.RegistryName, Cidr(Topology.RegistryAddresses[0]), bridge);
        foreach (var extra in Topology.RegistryAddresses.Skip(1)) lab.AddAddress(registryNs, "eth0", Cidr(extra));
        foreach (var node in Nodes)
        {
            Directory.CreateDirectory(node.Directory);
            var h = node.Host;
            if (!h.BehindNat)
            {
                var hostNs = lab.AddHost(h.Name, Cidr(h.Address), bridge);
                if (h.Address6 is not null) lab.AddAddress(hostNs, "eth0", Cidr(h.Address6));
                continue;
            }
            var gw = lab.AddHost(h.Gateway!, $"{h.GatewayWan}/{DemoTopology.InternetPrefixLength}", bridge);
            var ns = lab.CreateNamespace(h.Name);
            lab.Link(gw, "lan0", ns, "eth0");
            lab.AddAddress(gw, "lan0", $"{h.GatewayLan}/{DemoTopology.LanPrefixLength}");
            lab.AddAddress(ns, "eth0", $"{h.Address}/{DemoTopology.LanPrefixLength}");
            lab.AddDefaultRoute(ns, h.GatewayLan!);
            lab.Masquerade(gw, "eth0");
        }
    }

    static string Cidr(string address) => address.Contains(':', StringComparison.Ordinal)
        ? $"{address}/{DemoTopology.InternetPrefixLength6}" : $"{address}/{DemoTopology.InternetPrefixLength}";

    /// <summary>The registry URL a node uses: its IPv4 address for a node with IPv4, else its IPv6 one.</summary>
    public Uri RegistryUriFor(MeshNode node) => HttpRegistryClient.UriFor(Topology.RegistryAddressFor(node.Host), options.RegistryPort);

    /// <summary>Starts `vifibnet registry` in its namespace and waits until it answers.</summary>
    public async Task StartRegistryAsync(CancellationToken cancel)
    {
        if (RegistryRunning) return;
        registry = Run(RegistryNamespace, "registry",
            ["registry", Num(options.RegistryPort), "--db", Path.Combine(RegistryDir, NetworkCreator.DbFile),
             "--ca", Path.Combine(RegistryDir, NetworkCreator.CaFile), "--key", Path.Combine(RegistryDir, NetworkCreator.KeyFile), "-v", "1"],
            Path.Combine(RegistryDir, "registry.log"));
        using var client = RegistryClientIn(RegistryNamespace);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (registry.HasExited)
                throw new MeshLabException($"the registry exited with code {registry.Exited.Result}; see {Path.Combine(RegistryDir, "registry.log")}");
            try
            {
                await client.GetCaAsync(cancel);
                return;
            }
            catch (RegistryCallException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(300, cancel);
            }
        }
    }

    public async Task StopRegistryAsync()
    {
        if (registry is null) return;
        await registry.StopAsync(StopGrace);
        registry.Dispose();
        registry = null;
    }

    /// <summary>
    /// Registers a node through the real registration path: a token issued on the registry's DB (as
    /// `vifibnet token` does), then `vifibnet setup --token` run inside the node's namespace, which
    /// fetches the CA, sends a certificate request and writes ca.pem, cert.key, cert.crt and peers.db.
    /// </summary>
    public async Task RegisterAsync(MeshNode node, CancellationToken cancel)
    {
        var token = AdminTokens.Create(Path.Combine(RegistryDir, NetworkCreator.DbFile), $"{node.Label}@demo.example");
        string[] args =
        [
            .. options.Vifibnet.Prefix, "setup", "--server", Topology.RegistryAddressFor(node.Host), "--port", Num(options.RegistryPort),
            "-d", node.Directory, "--token", token.Token,
            // Registered before any node runs, so no node has declared yet: there is nothing to bootstrap
            // from. The nodes learn each other from the registry's peer list once they run (--registry).
            "--no-boot",
        ];
        var (code, output) = await Task.Run(() => lab.TryExec(node.Namespace, options.Vifibnet.FileName, args), cancel);
        if (code != 0)
            throw new MeshLabException($"vifibnet setup for {node.Label} failed (exit {code}): {output.Trim()}");
        node.Identity = NodeIdentity.FromFiles(Path.Combine(node.Directory, "ca.pem"), Path.Combine(node.Directory, "cert.crt"));
        log.Info($"{node.Label} registered: prefix {node.Identity.Prefix.ToCommonName()}, address {node.Address}");
    }

    /// <summary>Starts `vifibnet node` in the node's namespace (again, after a stop: same certificate, same peers.db).</summary>
    public void StartNode(MeshNode node)
    {
        if (node.Running) return;
        node.Process?.Dispose();
        var h = node.Host;
        List<string> args =
        [
            "node", "-s", node.Directory, "-l", node.Directory, "-v", Num(options.Verbose),
            "--registry", RegistryUriFor(node).ToString(), "--hello", Num(options.Hello),
            // udp6 is openvpn's dual-stack listener (IPv6 and IPv4 clients); udp listens on IPv4 only.
            "--pp", "1194", h.HasIPv6 ? "udp6" : "udp", "--connection-count", Num(options.ConnectionCount),
            "--tunnel-refresh", Num(options.TunnelRefresh), "--peers-db-refresh", Num(options.PeersDbRefresh),
            "--peer-exchange", Num(options.PeerExchange),
        ];
        // A node on the internet knows its address; one behind NAT learns it from the servers it reaches.
        if (!h.BehindNat)
            foreach (var address in h.PublicAddresses) args.AddRange(["--ip", address, "1194", "udp"]);
        // With the runtime settings the systemd unit gives a node (Node.NodeRuntime).
        node.Process = lab.Start(node.Namespace, $"node {node.Label}", "env",
            [.. Vifibnet.Node.NodeRuntime.Environment.Concat(options.ExtraNodeEnvironment).Select(e => $"{e.Key}={e.Value}"), options.Vifibnet.FileName, .. options.Vifibnet.Prefix, .. args],
            Path.Combine(node.Directory, "console.log"));
    }

    /// <summary>Stops a node cleanly (SIGTERM: it ends its openvpn and babeld and removes its tap devices).</summary>
    public async Task StopNodeAsync(MeshNode node)
    {
        if (node.Process is null) return;
        await node.Process.StopAsync(StopGrace);
    }

    /// <summary>Silently cuts the underlay path between two nodes (packets dropped in <paramref name="from"/>'s namespace, both ways).</summary>
    public void CutPath(MeshNode from, MeshNode to)
    {
        foreach (var address in to.Host.PublicAddresses) lab.CutPath(from.Namespace, address);
    }

    public void RestorePaths(MeshNode node) => lab.RestorePaths(node.Namespace);

    /// <summary>Every node loses <paramref name="percent"/> % of the underlay packets it receives, at random (a lossy but live internet).</summary>
    public void AddUnderlayLoss(int percent)
    {
        foreach (var n in Nodes) lab.AddLoss(n.Namespace, percent);
    }

    public void RemoveUnderlayLoss()
    {
        foreach (var n in Nodes) lab.RemoveLoss(n.Namespace);
    }

    HttpRegistryClient RegistryClientIn(string ns) =>
        new(RegistryUri, http: NamespaceSocket.HttpClientIn(ns, TimeSpan.FromSeconds(20)));

    ChildProcess Run(string ns, string name, IEnumerable<string> args, string logFile) =>
        lab.Start(ns, name, options.Vifibnet.FileName, [.. options.Vifibnet.Prefix, .. args], logFile);

    static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        // Clean stops first (each node removes its own taps and children), then the lab removes the rest.
        await Task.WhenAll(Nodes.Where(n => n.Running).Select(n => n.Process!.StopAsync(TimeSpan.FromSeconds(10))));
        if (registry is not null) await registry.StopAsync(TimeSpan.FromSeconds(5));
        lab.Dispose();
        foreach (var n in Nodes) n.Process?.Dispose();
        registry?.Dispose();
        if (ownsWorkDir && !options.KeepFiles && !KeepFiles)
        {
            try { Directory.Delete(WorkDir, recursive: true); }
            catch (IOException e) { log.Warning($"cannot remove {WorkDir}: {e.Message}"); }
        }
    }
}
