using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Tests.Node;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 7 of issue 11, at tunnel time: a node's peers.db holds peers at addresses no peer can be at
/// (as a registry from before the declare check handed out). The real node opens no openvpn client
/// to any of them, flags those peers, and still tunnels to the real one.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class TunnelAddressTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheNodeOpensNoTunnelToLoopbackMulticastLinkLocalOrOverlayAddresses()
    {
        using var bed = NodeMeshBed.Create(2, output);
        var bad = new Dictionary<int, string>
        {
            [3] = "127.0.0.1,1194,udp",
            [4] = "224.0.0.1,1194,udp",
            [5] = $"{TestNetwork.AddressOf(2)},1194,udp",
            [6] = "fe80::1%2,1194,udp;::1,1194,tcp-client",
        };
        TestNetwork.SeedPeers(bed.Dir(1), [(2, "127.0.0.1,1194,udp;198.51.100.2,1194,udp"), .. bad.Select(b => (b.Key, b.Value))]);
        var since = Stopwatch.StartNew();
        bed.Start(2, "--hello", "4");
        bed.Start(1, "--hello", "4", "-v", "3");
        await bed.WaitForAllPairsAsync(2, since, TimeSpan.FromSeconds(90));

        var log = Path.Combine(bed.Dir(1), "vifibnet.log");
        foreach (var (n, refusal) in new[] { (3, "Loopback"), (4, "Multicast"), (5, "Overlay"), (6, "LinkLocal") })
            await MeshProbe.Until(() => Task.FromResult(File.ReadAllText(log).Contains($"cannot open a tunnel to {TestNetwork.PrefixOf(n)}")),
                TimeSpan.FromSeconds(30), $"node 1 to refuse a tunnel to node {n} ({bad[n]}, {refusal})");
        var text = File.ReadAllText(log);
        Assert.Contains("is a loopback address", text);
        Assert.Contains("is a multicast address", text);
        Assert.Contains("is inside the overlay network itself", text);
        Assert.Contains("is a link-local address", text);
        Assert.Contains($"peer {TestNetwork.PrefixOf(2)}: not tunnelling to 127.0.0.1,1194,udp (Loopback)", text);

        var commandLines = NetworkLab.Pids(bed.Namespace(1))
            .Select(pid => { try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); } catch (IOException) { return ""; } })
            .Where(c => c.Contains("openvpn") && c.Contains("--remote")).ToList();
        output.WriteLine(string.Join('\n', commandLines));
        var client = Assert.Single(commandLines);
        Assert.Contains("--remote 198.51.100.2 1194 udp", client);
        foreach (var address in new[] { "127.0.0.1", "224.0.0.1", "fe80::1", "::1 ", TestNetwork.AddressOf(2).ToString() })
            Assert.DoesNotContain($"--remote {address}", client);
    }
}
