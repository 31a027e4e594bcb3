using System.Diagnostics;
using Vifibnet.Certificates;
using Vifibnet.Lab;
using Vifibnet.Processes;
using Vifibnet.Tests.Node;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Support;

/// <summary>
/// The Node tests' mesh without a registry: nodes 1..n, each the real `vifibnet node` CLI in its own
/// namespace on one bridge (198.51.100.n/24), with certificates from a CA made in code and a peers.db
/// seeded by hand. Dispose prints every node's log tail to the test output and removes the lab.
/// </summary>
public sealed class NodeMeshBed : IDisposable
{
    readonly ITestOutputHelper output;
    readonly TestNetwork network;
    readonly TestNetwork? secondNetwork;
    readonly string?[] dirs;
    readonly string[] ns;
    readonly ChildProcess?[] daemons;
    readonly string bridge;

    public NetworkLab Lab { get; }
    public int Count { get; }

    NodeMeshBed(int count, ITestOutputHelper output, TestNetwork network, NetworkLab lab, TestNetwork? secondNetwork = null, IReadOnlyCollection<int>? secondNodes = null)
    {
        this.secondNetwork = secondNetwork;
        Count = count;
        this.output = output;
        this.network = network;
        Lab = lab;
        dirs = new string?[count + 1];
        ns = new string[count + 1];
        daemons = new ChildProcess?[count + 1];
        bridge = lab.CreateBridge("br");
        for (var n = 1; n <= count; n++)
        {
            dirs[n] = secondNodes?.Contains(n) == true ? secondNetwork!.MakeNode(n) : network.MakeNode(n);
            ns[n] = lab.AddHost($"n{n}", $"198.51.100.{n}/24", bridge);
        }
    }

    /// <summary>
    /// Builds the lab and the node directories, with certificates from a CA made here or from
    /// <paramref name="ca"/> (a registry's); fails loudly (root, openvpn, babeld) when it cannot here.
    /// </summary>
    public static NodeMeshBed Create(int count, ITestOutputHelper output, CertificateAuthority? ca = null, TimeSpan? certificateValidity = null,
        IReadOnlyCollection<int>? secondNetworkNodes = null)
    {
        Requires.Root();
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        var network = new TestNetwork(ca, certificateValidity);
        // Nodes of a second network: the same prefix, another CA (two networks that share a LAN).
        var second = secondNetworkNodes is null ? null : new TestNetwork(null, certificateValidity);
        NetworkLab? lab = null;
        try
        {
            lab = new NetworkLab(LabPrefix.ForThisCheckout);
            return new NodeMeshBed(count, output, network, lab, second, secondNetworkNodes);
        }
        catch
        {
            lab?.Dispose();
            network.Dispose();
            second?.Dispose();
            throw;
        }
    }

    /// <summary>The CA of node n's network (the second one for the nodes given as its members).</summary>
    public CertificateAuthority CaOf(int n) => secondNetwork is not null && dirs[n]!.StartsWith(secondNetwork.Root, StringComparison.Ordinal) ? secondNetwork.Ca : network.Ca;

    /// <summary>A temporary directory removed with the bed (the node directories are in it).</summary>
    public string Root => network.Root;

    public string Dir(int n) => dirs[n]!;

    /// <summary>Records every node's certificate in the registry DB at <paramref name="registryDbPath"/> (see <see cref="TestNetwork.RecordIn"/>).</summary>
    public void RecordIn(string registryDbPath) => network.RecordIn(registryDbPath);
    public string Namespace(int n) => ns[n];
    public ChildProcess Daemon(int n) => daemons[n] ?? throw new InvalidOperationException($"node {n} was not started");

    /// <summary>Every node seeded with every other, over UDP, except the nodes in <paramref name="overTcp"/> (reached over their TCP server).</summary>
    public void SeedAll(params int[] overTcp)
    {
        for (var n = 1; n <= Count; n++)
        {
            var me = n;
            TestNetwork.SeedPeers(Dir(n), Enumerable.Range(1, Count).Where(p => p != me)
                .Select(p => (p, overTcp.Contains(p) ? $"198.51.100.{p},1194,tcp-client" : $"198.51.100.{p},1194,udp")));
        }
    }

    /// <summary>Another host on the bridge (a registry, say): its namespace.</summary>
    public string AddHost(string name, string cidr) => Lab.AddHost(name, cidr, bridge);

    /// <summary>Starts node n: `vifibnet node -s DIR -l DIR --ip 198.51.100.n 1194 udp` and <paramref name="options"/>.</summary>
    public ChildProcess Start(int n, params string[] options) => StartWithoutIp(n, ["--ip", $"198.51.100.{n}", "1194", "udp", .. options]);

    /// <summary>Starts node n as <see cref="Start"/> does, from a shell whose umask is <paramref name="umask"/> (e.g. "000").</summary>
    public ChildProcess StartUnderUmask(int n, string umask, params string[] options) =>
        daemons[n] = Lab.Start(ns[n], $"node {n}", "/bin/sh",
            ["-c", $"umask {umask} && exec \"$0\" \"$@\"", CliProgram.File, .. CliProgram.Leading, "node", "-s", Dir(n), "-l", Dir(n),
                "--ip", $"198.51.100.{n}", "1194", "udp", .. options],
            Path.Combine(Dir(n), "console.log"));

    /// <summary>Starts node n without --ip: it learns its address from the servers it reaches.</summary>
    public ChildProcess StartWithoutIp(int n, params string[] options) =>
        daemons[n] = Lab.Start(ns[n], $"node {n}", CliProgram.File, [.. CliProgram.Leading, "node", "-s", Dir(n), "-l", Dir(n), .. options],
            Path.Combine(Dir(n), "console.log"));

    /// <summary>Waits until each of nodes 1..<paramref name="count"/> pings every other's overlay address.</summary>
    public Task WaitForAllPairsAsync(int count, Stopwatch since, TimeSpan timeout) =>
        MeshProbe.WaitForAllPairsAsync(Lab, TestNetwork.Hosts(ns, count), since, timeout);

    /// <summary>Node n's tunnels as `vifibnet tunnels --json` prints them; throws when the node does not answer.</summary>
    public Task<List<MeshProbe.Tunnel>> TunnelsAsync(int n) => MeshProbe.TunnelsAsync(Lab, ns[n], Dir(n), CliProgram.CommandLine());

    /// <summary>SIGTERM to node n: it must exit 0 within 30 s and leave no process in its namespace.</summary>
    public async Task StopAsync(int n)
    {
        var daemon = Daemon(n);
        daemon.Signal(ChildProcess.SIGTERM);
        var exited = await Task.WhenAny(daemon.Exited, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(exited == daemon.Exited, $"node {n} did not stop within 30 s of SIGTERM");
        Assert.Equal(0, await daemon.Exited);
        Assert.Empty(NetworkLab.Pids(ns[n]));
    }

    /// <summary>A pid file in node n's run directory, or 0 while there is none.</summary>
    public int PidIn(int n, string file)
    {
        try { return int.Parse(File.ReadAllText(Path.Combine(Dir(n), "run", file)).Trim()); }
        catch (Exception e) when (e is IOException or FormatException) { return 0; }
    }

    public void Dispose()
    {
        NodeLogs.Dump(output, dirs);
        Lab.Dispose();
        foreach (var d in daemons) d?.Dispose();
        network.Dispose();
        secondNetwork?.Dispose();
    }
}
