using Vifibnet.Lab;
using Vifibnet.Nat;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;
using Xunit.Sdk;

namespace Vifibnet.Tests.Nat;

/// <summary>`vifibnet node` without --ip on the LAN behind miniupnpd: maps its --pp servers, shows them in `vifibnet upnp status`, and a clean stop deletes the mappings.</summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class NodeUpnpTests
{
    [Fact]
    public async Task ANodeWithoutIpMapsItsServersAndDeletesTheMappingsOnSigterm()
    {
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        using var net = MiniUpnpdTests.NewHomeNetwork();
        using var certificates = new TestCertificates();
        var files = certificates.Write(net.Directory, 1);
        var state = Directory.CreateDirectory(Path.Combine(net.Directory, "state")).FullName;
        var logs = Directory.CreateDirectory(Path.Combine(net.Directory, "log")).FullName;
        var output = Path.Combine(net.Directory, "node.out");
        var gateway = await MiniUpnpdTests.FindAsync(net);
        var node = net.Lab.Start(net.Lan, "node", CliProgram.File, [.. CliProgram.Leading, "node",
            "--ca", files.Ca, "--cert", files.Cert, "--key", files.Key, "--state", state, "--log", logs,
            "--pp", "1194", "udp", "--pp", "1195", "tcp-server", "--connection-count", "0", "-v", "1"], output);
        try
        {
            var mapped = await WaitForAsync(async () =>
            {
                var table = await gateway.ListPortMappingsAsync(default);
                return table.Count == 2 ? table : null;
            }, node, output);
            Assert.Equal([(NatProtocol.Udp, 1194), (NatProtocol.Tcp, 1195)],
                mapped.Select(m => (m.Protocol, m.InternalPort)).OrderBy(m => m.InternalPort));
            Assert.All(mapped, m => Assert.Equal(UpnpHomeNetwork.LanAddress, m.InternalClient));
            await WaitForAsync(() => Task.FromResult(UpnpHomeNetwork.Read(output).Contains(",tcp-client") ? "" : null), node, output);
            var status = new StringWriter();
            var code = await Vifibnet.Cli.CommandLine.RunAsync(["upnp", "status", "-s", state], status, status);
            Assert.True(code == 0, status.ToString());
            Assert.Contains("upnp         mapped via http://198.51.100.1:", status.ToString());
            Assert.Contains("external     11.0.0.1 (lan 198.51.100.2)", status.ToString());
            foreach (var m in mapped)
                Assert.Contains($"advertise    11.0.0.1,{m.ExternalPort},{(m.Protocol == NatProtocol.Udp ? "udp" : "tcp-client")}", status.ToString());

            node.Signal(ChildProcess.SIGTERM);
            if (await Task.WhenAny(node.Exited, Task.Delay(TimeSpan.FromSeconds(30))) != node.Exited) throw new XunitException($"the node did not stop on SIGTERM:\n{UpnpHomeNetwork.Read(output)}");

            Assert.Empty(await gateway.ListPortMappingsAsync(default));
            Assert.Contains("UPnP mapping deleted", UpnpHomeNetwork.Read(output));
        }
        finally
        {
            node.Dispose();
        }
    }

    static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, ChildProcess node, string output) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            if (node.HasExited) throw new XunitException($"the node exited ({node.Exited.Result}):\n{UpnpHomeNetwork.Read(output)}");
            await Task.Delay(200);
        }
        throw new XunitException($"not seen within 30 s; node output:\n{UpnpHomeNetwork.Read(output)}");
    }
}
