using Vifibnet.Nat;
using Vifibnet.Tests.Support;
using Xunit.Sdk;

namespace Vifibnet.Tests.Nat;

/// <summary>`vifibnet node` without --ip on the LAN behind miniupnpd: maps its --pp servers, shows them in `vifibnet upnp status`, and a clean stop deletes the mappings.</summary>
[Collection(NamespaceTests.Collection)]
public sealed class NodeUpnpTests
{
    [Fact]
    public async Task A_node_without_ip_maps_its_servers_and_deletes_the_mappings_on_sigterm()
    {
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        using var net = new UpnpTestNetwork();
        var files = TestCertificates.Write(net.Directory);
        var state = Directory.CreateDirectory(Path.Combine(net.Directory, "state")).FullName;
        var logs = Directory.CreateDirectory(Path.Combine(net.Directory, "log")).FullName;
        var output = Path.Combine(net.Directory, "node.out");
        var gateway = await MiniUpnpdTests.FindAsync(net);
        var node = net.Lan.Start(output, ["dotnet", Path.Combine(AppContext.BaseDirectory, "vifibnet.dll"), "node",
            "--ca", files.Ca, "--cert", files.Cert, "--key", files.Key, "--state", state, "--log", logs,
            "--pp", "1194", "udp", "--pp", "1195", "tcp-server", "--connection-count", "0", "-v", "1"]);
        try
        {
            var mapped = await WaitForAsync(async () =>
            {
                var table = await gateway.ListPortMappingsAsync(default);
                return table.Count == 2 ? table : null;
            }, node, output);
            Assert.Equal([(NatProtocol.Udp, 1194), (NatProtocol.Tcp, 1195)],
                mapped.Select(m => (m.Protocol, m.InternalPort)).OrderBy(m => m.InternalPort));
            Assert.All(mapped, m => Assert.Equal(UpnpTestNetwork.LanAddress, m.InternalClient));
            await WaitForAsync(() => Task.FromResult(OpenVpnThroughNatTests.Read(output).Contains(",tcp-client") ? "" : null), node, output);
            var status = new StringWriter();
            var code = await Vifibnet.Cli.CommandLine.RunAsync(["upnp", "status", "-s", state], status, status);
            Assert.True(code == 0, status.ToString());
            Assert.Contains("upnp         mapped via http://198.51.100.1:", status.ToString());
            Assert.Contains("external     11.0.0.1 (lan 198.51.100.2)", status.ToString());
            foreach (var m in mapped)
                Assert.Contains($"advertise    11.0.0.1,{m.ExternalPort},{(m.Protocol == NatProtocol.Udp ? "udp" : "tcp-client")}", status.ToString());

            Shell.Run("kill", "-TERM", node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!node.WaitForExit(30_000)) throw new XunitException($"the node did not stop on SIGTERM:\n{OpenVpnThroughNatTests.Read(output)}");

            Assert.Empty(await gateway.ListPortMappingsAsync(default));
            Assert.Contains("UPnP mapping deleted", OpenVpnThroughNatTests.Read(output));
        }
        finally
        {
            Shell.Stop(node);
        }
    }

    static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, System.Diagnostics.Process node, string output) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            if (node.HasExited) throw new XunitException($"the node exited ({node.ExitCode}):\n{OpenVpnThroughNatTests.Read(output)}");
            await Task.Delay(200);
        }
        throw new XunitException($"not seen within 30 s; node output:\n{OpenVpnThroughNatTests.Read(output)}");
    }
}
