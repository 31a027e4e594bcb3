using Vifibnet.Lab;
using Vifibnet.Nat;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;
using Xunit.Sdk;

namespace Vifibnet.Tests.Nat;

/// <summary>
/// The point of UPnP: an openvpn server on the LAN, behind miniupnpd's NAT, reached from the
/// internet side through the port our PortForwarder mapped and advertised.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class OpenVpnThroughNatTests
{
    [Theory]
    [InlineData("udp")]
    [InlineData("tcp-server")]
    public async Task AnInternetClientReachesTheLanServerThroughTheAdvertisedMapping(string serverProtocol)
    {
        var openvpn = Requires.Tool("openvpn", "openvpn");
        Requires.Tool("ping", "iputils-ping");
        using var net = MiniUpnpdTests.NewHomeNetwork();
        using var certificates = new TestCertificates();
        var files = certificates.Write(net.Directory, 1);
        var log = new LogCapture();
        using var forwarder = new PortForwarder([new ForwardedPort(1194, serverProtocol)], MiniUpnpdTests.Options(net), log.Logger);
        var advertised = Assert.Single(await forwarder.StartAsync(default));
        Assert.Equal(UpnpHomeNetwork.PublicAddress, advertised.Ip);
        Assert.Equal(serverProtocol == "udp" ? "udp" : "tcp-client", advertised.Protocol);

        ChildProcess? server = null, client = null;
        var serverLog = Path.Combine(net.Directory, "server.log");
        var clientLog = Path.Combine(net.Directory, "client.log");
        try
        {
            server = net.Lab.Start(net.Lan, "openvpn server", openvpn, [.. Common(files, "vu-ts"), "--tls-server", "--proto", serverProtocol, "--lport", "1194"], serverLog);
            // Exactly what a peer would do with the registry's "ip,port,proto" entry.
            client = net.Lab.Start(net.Internet, "openvpn client", openvpn, [.. Common(files, "vu-tc"), "--tls-client", "--nobind",
                "--remote", advertised.Ip.ToString(), advertised.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), advertised.Protocol], clientLog);

            await WaitForLineAsync(serverLog, "Initialization Sequence Completed", server);
            await WaitForLineAsync(clientLog, "Initialization Sequence Completed", client);
            // The server saw the internet host itself: the connection came in through the NAT's mapping.
            Assert.Contains($"{UpnpHomeNetwork.InternetAddress}:", File.ReadAllLines(serverLog).First(l => l.Contains("Peer Connection Initiated")));

            net.Lab.Exec(net.Lan, "ip", "addr", "add", "2001:db8:6::1/64", "dev", "vu-ts", "nodad");
            net.Lab.Exec(net.Lan, "ip", "link", "set", "vu-ts", "up");
            net.Lab.Exec(net.Internet, "ip", "addr", "add", "2001:db8:6::2/64", "dev", "vu-tc", "nodad");
            net.Lab.Exec(net.Internet, "ip", "link", "set", "vu-tc", "up");
            var ping = net.Lab.Exec(net.Internet, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "5", "2001:db8:6::1");
            Assert.Contains("3 received", ping);
        }
        catch (XunitException e)
        {
            throw new XunitException($"{e.Message}\n--- server\n{UpnpHomeNetwork.Read(serverLog)}\n--- client\n{UpnpHomeNetwork.Read(clientLog)}\n--- nft\n{net.Rules()}");
        }
        finally
        {
            client?.Dispose();
            server?.Dispose();
        }
        await forwarder.StopAsync(default);
        Assert.DoesNotContain("dnat", net.Rules());
    }

    static string[] Common(CertificateFiles f, string device) =>
    [
        "--dev", device, "--dev-type", "tap", "--ca", f.Ca, "--cert", f.Cert, "--key", f.Key, "--dh", "none",
        "--ping", "1", "--ping-exit", "30", "--verb", "3", "--connect-retry", "1", "--connect-retry-max", "30",
    ];

    internal static async Task WaitForLineAsync(string logFile, string text, ChildProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!UpnpHomeNetwork.Read(logFile).Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited) throw new XunitException($"openvpn exited ({process.Exited.Result}) before '{text}'");
            if (DateTime.UtcNow > deadline) throw new XunitException($"no '{text}' in {logFile} within 30 s");
            await Task.Delay(100);
        }
    }
}
