using System.Diagnostics;
using Vifibnet.Lab;
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
        using var bed = NodeMeshBed.Create(2, output);
        bed.SeedAll();
        var started = Stopwatch.StartNew();
        for (var n = 1; n <= 2; n++)
            bed.Start(n, "-v", "3", "--hello", "4", "--pp", "1194", "udp", "-i", "eth0", "--connection-count", "2");

        await bed.WaitForAllPairsAsync(2, started, TimeSpan.FromSeconds(60));
        // A tunnel opened before babel heard the peer on eth0 is closed once it has.
        for (var n = 1; n <= 2; n++)
        {
            var me = n;
            await MeshProbe.Until(async () => !(await bed.TunnelsAsync(me)).Any(t => t.Direction == "client"),
                TimeSpan.FromSeconds(60), $"node {me} to have no client tunnel to its LAN peer");
        }
        output.WriteLine($"no tunnel between LAN peers after {started.Elapsed.TotalSeconds:0.0} s");
        // And none is opened again while the LAN carries the traffic: watched for 1.5 hellos.
        await Task.Delay(TimeSpan.FromSeconds(6));
        for (var n = 1; n <= 2; n++)
            Assert.DoesNotContain(await bed.TunnelsAsync(n), t => t.Direction == "client");
        await bed.WaitForAllPairsAsync(2, started, TimeSpan.FromSeconds(10));
        Assert.Contains("dev eth0", bed.Lab.Exec(bed.Namespace(1), "ip", "-6", "route", "get", TestNetwork.AddressOf(2).ToString()));
        output.WriteLine($"--- node 1 routes\n{bed.Lab.TryExec(bed.Namespace(1), "ip", "-6", "route").Output}");

        for (var n = 1; n <= 2; n++) await bed.StopAsync(n);
    }
}
