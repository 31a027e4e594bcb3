using Vifibnet.Addressing;
using Vifibnet.Configuration;
using Vifibnet.Node;
using Vifibnet.OpenVpn;

namespace Vifibnet.Tests.OpenVpn;

public class OpenVpnArgumentsTests
{
    static readonly NodeOptions Options = NodeOptionParser.Parse(["-s", "/srv/n1", "-l", "/log/n1", "--hello", "5", "-v", "2",
        "--connection-count", "7", "--", "--txqueuelen", "1000"]);
    static readonly OpenVpnSettings Settings = ChildSettings.OpenVpn(Options, NodePaths.Of(Options));

    static string After(IReadOnlyList<string> args, string option) => args[args.ToList().IndexOf(option) + 1];

    [Fact]
    public void ServerIsATapServerWithDhNoneMaxClientsAndPingEverySecondUntilTheTunnelTimeout()
    {
        var args = OpenVpnArguments.Server(Settings, "vifib-s1", 1195, "tcp-server");
        Assert.Equal("vifib-s1", After(args, "--dev"));
        Assert.Equal("tap", After(args, "--dev-type"));
        Assert.Equal("tcp-server", After(args, "--proto"));
        Assert.Equal("1195", After(args, "--port"));
        Assert.Equal("none", After(args, "--dh"));
        Assert.Equal("7", After(args, "--max-clients"));
        Assert.Equal("1", After(args, "--ping"));
        Assert.Equal("10", After(args, "--ping-restart"));
        Assert.Equal("/srv/n1/ca.pem", After(args, "--ca"));
        Assert.Equal("/srv/n1/run/vifib-s1.mgmt", After(args, "--management"));
        Assert.Equal("/srv/n1/run/vifib-s1.pid", After(args, "--writepid"));
        Assert.Equal("/srv/n1/run/openvpn-hook.sh", After(args, "--client-connect"));
        Assert.Equal("2", After(args, "--verb"));
        Assert.Equal(["--txqueuelen", "1000"], args.TakeLast(2));
    }

    [Theory]
    [InlineData("0", "5", "20")] // the seed's timing: ping every hello, dead after 4 hellos
    [InlineData("3", "1", "3")]
    public void TheTunnelTimeoutSetsPingAndPingExitOfClientsAndServers(string timeout, string ping, string exit)
    {
        var options = NodeOptionParser.Parse(["-s", "/srv/n1", "--hello", "5", "--tunnel-timeout", timeout]);
        var settings = ChildSettings.OpenVpn(options, NodePaths.Of(options));
        var server = OpenVpnArguments.Server(settings, "vifib-s0", 1194, "udp");
        var client = OpenVpnArguments.Client(settings, "vifib-c0", PeerAddress.ParseList("198.51.100.2,1194,udp"));
        Assert.Equal((ping, exit), (After(server, "--ping"), After(server, "--ping-restart")));
        Assert.Equal((ping, exit), (After(client, "--ping"), After(client, "--ping-exit")));
    }

    [Fact]
    public void ServerUsesTheGivenDhFile()
    {
        var args = OpenVpnArguments.Server(ChildSettings.OpenVpn(Options with { Dh = "/etc/dh2048.pem" }, NodePaths.Of(Options)), "vifib-s0", 1194, "udp");
        Assert.Equal("/etc/dh2048.pem", After(args, "--dh"));
    }

    [Fact]
    public void ClientHasOneRemotePerAdvertisedAddressAndPingExitAfterTheTunnelTimeout()
    {
        var remotes = PeerAddress.ParseList("198.51.100.2,1194,udp;203.0.113.2,443,tcp-client");
        var args = OpenVpnArguments.Client(Settings, "vifib-c0", remotes);
        var list = args.ToList();
        var remoteAt = list.Select((a, i) => (a, i)).Where(x => x.a == "--remote").Select(x => x.i).ToList();
        Assert.Equal(2, remoteAt.Count);
        Assert.Equal(["198.51.100.2", "1194", "udp"], list.GetRange(remoteAt[0] + 1, 3));
        Assert.Equal(["203.0.113.2", "443", "tcp-client"], list.GetRange(remoteAt[1] + 1, 3));
        Assert.Contains("--client", args);
        Assert.Equal("1", After(args, "--ping"));
        Assert.Equal("10", After(args, "--ping-exit"));
        Assert.Equal("/srv/n1/run/openvpn-hook.sh", After(args, "--route-up"));
        Assert.Equal(["--txqueuelen", "1000"], args.TakeLast(2));
    }

    [Fact]
    public void ServersPushNothingAndClientsKeepOnlyTheExternalIpAndTheDataChannelNegotiation()
    {
        // The one push a server makes is the hook script's external_ip (client-connect); nothing on the command line.
        Assert.DoesNotContain("--push", OpenVpnArguments.Server(Settings, "vifib-s0", 1194, "udp"));
        var client = OpenVpnArguments.Client(Settings, "vifib-c0", PeerAddress.ParseList("198.51.100.2,1194,udp")).ToList();
        var filters = client.Select((a, i) => (a, i)).Where(x => x.a == "--pull-filter").Select(x => (client[x.i + 1], client[x.i + 2])).ToList();
        Assert.Equal([("accept", "setenv-safe external_ip "), ("accept", "cipher "), ("accept", "peer-id "), ("accept", "protocol-flags "),
            ("accept", "key-derivation "), ("ignore", "")], filters);
        Assert.Equal(Environment.UserName, After(client, "--management-client-user"));
    }

    [Fact]
    public void ClientWithoutAddressIsRefused() =>
        Assert.Throws<ArgumentException>(() => OpenVpnArguments.Client(Settings, "vifib-c0", []));

    [Fact]
    public void StatusListsTheServersClientsWithTheAddressTheServerSaw()
    {
        var clients = ServerClient.ParseStatus([
            "TITLE,OpenVPN 2.6.14",
            "HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,Client ID,Peer ID,Data Channel Cipher",
            "CLIENT_LIST,2/16,198.51.100.2:51537,,,3853,3205,2026-11-21 23:01:29,1795302089,UNDEF,0,0,AES-256-GCM",
            "HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,Last Ref,Last Ref (time_t)",
            "ROUTING_TABLE,b6:5e:c4:20:8b:0a@0,2/16,198.51.100.2:51537,2026-11-21 23:01:29,1795302089",
        ]);
        var c = Assert.Single(clients);
        Assert.Equal(("2/16", "198.51.100.2:51537", 3853L, 3205L), (c.CommonName, c.RealAddress, c.BytesReceived, c.BytesSent));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795302089), c.ConnectedSince);
    }

    [Fact]
    public void ServersNameTheirClientsByTheBinaryNodePrefixOfTheirCertificateCn()
    {
        var since = DateTimeOffset.FromUnixTimeSeconds(1795302089);
        var peers = Vifibnet.Node.NodeServers.PeersOf([
            new ServerClient("2/16", "198.51.100.2:51537", 0, 0, since),
            new ServerClient("5/8", "198.51.100.5:1194", 0, 0, since),
        ]);
        Assert.Equal([new NodePrefix(2, 16).ToBinary(), new NodePrefix(5, 8).ToBinary()], peers);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void HookScriptIsValidShell()
    {
        var dir = Directory.CreateTempSubdirectory("vifibnet-hook-").FullName;
        try
        {
            var path = HookScript.Write(Path.Combine(dir, "run", "openvpn-hook.sh"), "/usr/sbin/ip");
            var (code, output) = Vifibnet.Processes.Command.TryRun("sh", "-n", path);
            Assert.True(code == 0, output);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
            var text = File.ReadAllText(path);
            Assert.Contains("setenv-safe external_ip", text);
            Assert.Contains($"'{Path.Combine(dir, "run")}'/\"$dev.external-ip\"", text);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ClientHookWritesThePushedExternalIp()
    {
        var dir = Directory.CreateTempSubdirectory("vifibnet-hook-").FullName;
        try
        {
            var path = HookScript.Write(Path.Combine(dir, "openvpn-hook.sh"), "/usr/sbin/ip");
            var info = new System.Diagnostics.ProcessStartInfo(path) { UseShellExecute = false };
            info.Environment["script_type"] = "route-up";
            info.Environment["dev"] = "vifib-c3";
            info.Environment["OPENVPN_external_ip"] = "203.0.113.5";
            using (var p = System.Diagnostics.Process.Start(info)!) p.WaitForExit();
            Assert.Equal("203.0.113.5\n", File.ReadAllText(Path.Combine(dir, "vifib-c3.external-ip")));

            var pushFile = Path.Combine(dir, "push.conf");
            info = new System.Diagnostics.ProcessStartInfo(path, pushFile) { UseShellExecute = false };
            info.Environment["script_type"] = "client-connect";
            info.Environment["trusted_ip"] = "198.51.100.4";
            using (var p = System.Diagnostics.Process.Start(info)!) p.WaitForExit();
            Assert.Equal("push \"setenv-safe external_ip 198.51.100.4\"\n", File.ReadAllText(pushFile));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
