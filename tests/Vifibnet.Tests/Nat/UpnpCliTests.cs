using Vifibnet.Cli;
using Vifibnet.Lab;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Nat;

/// <summary>The `vifibnet upnp` command, run as a real process inside the LAN namespace against miniupnpd.</summary>
[Collection(NamespaceCollection.Name)]
public sealed class UpnpCliTests
{
    [Fact, RequiresRoot]
    public void DiscoverMapListAndUnmapFromTheLan()
    {
        using var net = MiniUpnpdTests.NewHomeNetwork();
        string Vifibnet(params string[] args) => net.Lab.Exec(net.Lan, CliProgram.File, [.. CliProgram.Leading, "upnp", .. args]);

        var discover = Vifibnet("discover");
        Assert.Contains("external     11.0.0.1", discover);
        Assert.Contains("lan          198.51.100.2", discover);
        Assert.Contains("WANIPConnection:2 at http://198.51.100.1:", discover);

        Assert.Contains("mapped TCP 45000 -> 198.51.100.2:1194 lease 600s 'vifibnet upnp' on 11.0.0.1", Vifibnet("map", "45000", "tcp", "1194", "--lease", "600"));
        Assert.Contains("TCP 45000 -> 198.51.100.2:1194", Vifibnet("list"));
        Assert.Contains("th dport 45000 dnat ip to 198.51.100.2:1194", net.Rules());
        Assert.Contains("deleted TCP 45000", Vifibnet("unmap", "45000", "tcp"));
        Assert.Equal("", Vifibnet("list").Trim());
    }

    [Fact, RequiresRoot]
    public async Task ForwardMapsUntilSigtermThenDeletes()
    {
        using var net = MiniUpnpdTests.NewHomeNetwork();
        var gateway = await MiniUpnpdTests.FindAsync(net);
        var output = Path.Combine(net.Directory, "forward.out");
        var forward = net.Lab.Start(net.Lan, "upnp forward", CliProgram.File, [.. CliProgram.Leading, "upnp", "forward", "--pp", "1194", "tcp-server", "-v", "0"], output);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!UpnpHomeNetwork.Read(output).Contains(",tcp-client"))
            {
                if (forward.HasExited || DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"no advertised address:\n{UpnpHomeNetwork.Read(output)}");
                await Task.Delay(100);
            }
            var mapping = Assert.Single(await gateway.ListPortMappingsAsync(default));
            Assert.Equal((Vifibnet.Nat.NatProtocol.Tcp, 1194), (mapping.Protocol, mapping.InternalPort));
            Assert.Contains($"advertise    11.0.0.1,{mapping.ExternalPort},tcp-client", UpnpHomeNetwork.Read(output));

            forward.Signal(ChildProcess.SIGTERM);
            Assert.True(await Task.WhenAny(forward.Exited, Task.Delay(TimeSpan.FromSeconds(15))) == forward.Exited, "forward did not stop on SIGTERM");

            Assert.Equal(0, await forward.Exited);
            Assert.Empty(await gateway.ListPortMappingsAsync(default));
            Assert.Contains("upnp         stopped", UpnpHomeNetwork.Read(output));
        }
        finally
        {
            forward.Dispose();
        }
    }

    [Fact]
    public async Task WithoutAGatewayDiscoverFailsWithOneClearLineAndBadUsageExits2()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        // Only loopback here: the description URL is a port where nothing answers, and bad
        // arguments are refused before any search leaves the process.
        var code = await CommandLine.RunAsync(["upnp", "discover", "--url", "http://127.0.0.1:9/rootDesc.xml"], output, error);
        var usage = await CommandLine.RunAsync(["upnp", "map", "70000", "udp", "1194"], output, error);
        var unknown = await CommandLine.RunAsync(["upnp", "forward", "--pp", "1194", "sctp"], output, error);

        Assert.Equal((CommandLine.Failed, CommandLine.Usage, CommandLine.Usage), (code, usage, unknown));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("vifibnet upnp: device description http://127.0.0.1:9/rootDesc.xml could not be fetched"));
        Assert.Contains(lines, l => l.Contains("'70000' is not a port"));
        Assert.Contains(lines, l => l.Contains("'sctp' is not an openvpn server protocol"));
    }
}
