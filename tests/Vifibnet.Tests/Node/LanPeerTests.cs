using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Node;

/// <summary>Two nodes on one LAN with -i eth0: babel finds each over the LAN, so neither keeps a tunnel to the other.</summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class LanPeerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PeersSeenOnALanInterfaceAreNotTunnelledTo()
    {
        Requires.Root();
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        using var network = new TestNetwork();
        using var lab = new NetworkLab(LabPrefix.ForThisCheckout);
        var bridge = lab.CreateBridge("br");
        var dirs = new string?[3];
        var ns = new string[3];
        var daemons = new ChildProcess[3];
        try
        {
            for (var n = 1; n <= 2; n++)
            {
                dirs[n] = network.MakeNode(n);
                ns[n] = lab.AddHost($"n{n}", $"198.51.100.{n}/24", bridge);
                TestNetwork.SeedPeers(dirs[n]!, [(3 - n, $"198.51.100.{3 - n},1194,udp")]);
            }
            var started = Stopwatch.StartNew();
            for (var n = 1; n <= 2; n++)
                daemons[n] = lab.Start(ns[n], $"node {n}", CliProgram.Dotnet,
                    [CliProgram.Dll, "node", "-s", dirs[n]!, "-l", dirs[n]!, "-v", "3", "--hello", "4", "--pp", "1194", "udp",
                     "--ip", $"198.51.100.{n}", "1194", "udp", "-i", "eth0", "--connection-count", "2"],
                    Path.Combine(dirs[n]!, "console.log"));

            await MeshProbe.WaitForAllPairsAsync(lab, TestNetwork.Hosts(ns, 2), started, TimeSpan.FromSeconds(60));
            // A tunnel opened before babel heard the peer on eth0 is closed once it has.
            for (var n = 1; n <= 2; n++)
            {
                var me = n;
                await MeshProbe.Until(async () => !(await MeshProbe.TunnelsAsync(lab, ns[me], dirs[me]!, CliProgram.CommandLine())).Any(t => t.Direction == "client"),
                    TimeSpan.FromSeconds(60), $"node {me} to have no client tunnel to its LAN peer");
            }
            output.WriteLine($"no tunnel between LAN peers after {started.Elapsed.TotalSeconds:0.0} s");
            // And none is opened again, while the LAN carries the traffic.
            await Task.Delay(TimeSpan.FromSeconds(6));
            for (var n = 1; n <= 2; n++)
                Assert.DoesNotContain(await MeshProbe.TunnelsAsync(lab, ns[n], dirs[n]!, CliProgram.CommandLine()), t => t.Direction == "client");
            await MeshProbe.WaitForAllPairsAsync(lab, TestNetwork.Hosts(ns, 2), started, TimeSpan.FromSeconds(10));
            var route = lab.Exec(ns[1], "ip", "-6", "route", "get", TestNetwork.AddressOf(2).ToString());
            Assert.Contains("dev eth0", route);

            for (var n = 1; n <= 2; n++)
            {
                daemons[n].Signal(ChildProcess.SIGTERM);
                Assert.Equal(0, await daemons[n].Exited.WaitAsync(TimeSpan.FromSeconds(30)));
                Assert.Empty(NetworkLab.Pids(ns[n]));
            }
        }
        finally
        {
            for (var n = 1; n <= 2; n++)
                if (ns[n] is not null)
                    output.WriteLine($"--- node {n} routes\n{lab.TryExec(ns[n], "ip", "-6", "route").Output}");
            NodeLogs.Dump(output, dirs);
        }
    }
}
