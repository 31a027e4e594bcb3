using System.Diagnostics;
using System.Text.Json;
using Vifibnet.Lab;
using Vifibnet.Tests.Node;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 1 of issue 11: a member's openvpn server pushes routes, a default gateway, addresses and a
/// fake external IP to the node that tunnels to it. Node 2 is that member (the real `vifibnet node` with
/// hostile openvpn options after `--`); node 1, the victim, must install none of it and declare nothing.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class PushedOptionsAttackTests(ITestOutputHelper output)
{
    sealed record Status(string? AdvertisedAddress, string AddressSource, string? ExternalIp);

    [Fact]
    public async Task AHostileServersPushesAreIgnoredAndItsFakeExternalIpIsRefused()
    {
        using var bed = NodeMeshBed.Create(2, output);
        TestNetwork.SeedPeers(bed.Dir(1), [(2, "198.51.100.2,1194,udp")]);
        // Node 3's subnet (2001:db8:42:3::/64) split in two /65s: more specific than what babel announces.
        var third = TestNetwork.AddressOf(3).ToString().Replace("::1", "::");
        bed.Start(2, "-v", "3", "--hello", "4", "--pp", "1194", "udp", "--",
            "--client-connect", "/bin/true", // no honest external_ip from our hook script: only the fake one below
            "--push", "setenv-safe external_ip 127.0.0.1",
            "--push", "redirect-gateway def1",
            "--push", "route-gateway 10.66.0.1",
            "--push", "ifconfig 10.66.0.2 255.255.255.0",
            "--push", "ifconfig-ipv6 2001:db8:66::2/64 2001:db8:66::1",
            "--push", $"route-ipv6 {third}/65",
            "--push", $"route-ipv6 {third.Replace("::", ":8000::")}/65",
            "--push", "dhcp-option DNS 198.51.100.66");
        var since = Stopwatch.StartNew();
        bed.StartWithoutIp(1, "-v", "3", "--hello", "4", "--pp", "1194", "udp");
        await bed.WaitForAllPairsAsync(2, since, TimeSpan.FromSeconds(90)); // the tunnel itself works
        var daemonLog = Path.Combine(bed.Dir(1), "vifibnet.log");
        await MeshProbe.Until(() => Task.FromResult(File.Exists(daemonLog) && File.ReadAllText(daemonLog).Contains("external IP refused")),
            TimeSpan.FromSeconds(30), "node 1 to refuse the pushed external IP 127.0.0.1");
        Assert.Contains("127.0.0.1 is a loopback address (Loopback)", File.ReadAllText(daemonLog));

        var ns = bed.Namespace(1);
        var addresses = bed.Lab.Exec(ns, "ip", "addr") + bed.Lab.Exec(ns, "ip", "-6", "addr");
        var routes = bed.Lab.Exec(ns, "ip", "route") + bed.Lab.Exec(ns, "ip", "-6", "route");
        output.WriteLine(addresses + routes);
        Assert.DoesNotContain("10.66.0.2", addresses);
        Assert.DoesNotContain("2001:db8:66::2", addresses);
        Assert.DoesNotContain("0.0.0.0/1", routes);
        Assert.DoesNotContain("128.0.0.0/1", routes);
        Assert.DoesNotContain("10.66.0", routes);
        Assert.DoesNotContain("/65", routes);
        Assert.DoesNotContain("2001:db8:66:", routes);

        var clientLogs = string.Concat(Directory.EnumerateFiles(bed.Dir(1), "vifibnet-openvpn-*.log").Select(File.ReadAllText));
        foreach (var pushed in new[] { "redirect-gateway def1", "ifconfig 10.66.0.2", "route-ipv6", "dhcp-option DNS" })
            Assert.Contains($"Pushed option removed by filter: '{pushed}", clientLogs);

        var (code, json) = bed.Lab.TryExec(ns, CliProgram.File, [.. CliProgram.Leading, "status", "-s", bed.Dir(1), "--json"]);
        Assert.Equal(0, code);
        var status = JsonSerializer.Deserialize<Status>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal((null, "none", null), (status.AdvertisedAddress, status.AddressSource, status.ExternalIp));
    }
}
