using System.Net;
using Vifibnet.Configuration;

namespace Vifibnet.Tests.Configuration;

public sealed class NodeOptionParserTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("vifibnet-options-").FullName;

    string WriteFile(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void DefaultsAreTheSeeds()
    {
        var o = NodeOptionParser.Parse([]);
        Assert.Empty(o.Ips);
        Assert.Empty(o.Interfaces);
        Assert.Equal(TimeSpan.FromSeconds(3600), o.PeersDbRefresh);
        Assert.Equal("/var/log", o.LogDir);
        Assert.Equal("/var/lib/vifibnet", o.StateDir);
        Assert.Equal(0, o.Verbose);
        Assert.Null(o.Registry);
        Assert.Equal(15, o.Hello);
        Assert.Equal(10, o.TunnelTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1.5), o.ProbeTimeout);
        Assert.False(o.Wireless);
        Assert.Equal([new ServerEndpoint(1194, "udp"), new ServerEndpoint(1194, "tcp-server")], o.Servers);
        Assert.Equal(TimeSpan.FromSeconds(300), o.TunnelRefresh);
        Assert.Null(o.Dh);
        Assert.Equal(20, o.ConnectionCount);
        Assert.Equal(0.05, o.RefreshRate);
        Assert.Empty(o.OpenVpnArgs);
        Assert.Equal("/var/lib/vifibnet/ca.pem", o.CaPath);
    }

    [Fact]
    public void EveryOptionIsRead()
    {
        var o = NodeOptionParser.Parse([
            "--ip", "198.51.100.7", "1194", "udp", "--ip", "203.0.113.7", "443", "tcp-client",
            "-i", "eth1", "--interface", "eth2", "--peers-db-refresh", "60", "-l", "/tmp/l", "-s", "/tmp/s",
            "-v", "3", "--registry", "http://[2001:db8::1]:8000", "--hello", "4", "-w",
            "--pp", "1195", "udp", "--tunnel-refresh", "30", "--dh", "dh.pem", "--ca", "c.pem", "--cert", "n.crt",
            "--key", "n.key", "--connection-count", "5", "--refresh-rate=0.5"]);
        Assert.Equal([IPAddress.Parse("198.51.100.7"), IPAddress.Parse("203.0.113.7")], o.Ips.Select(a => a.Ip));
        Assert.Equal("tcp-client", o.Ips[1].Protocol);
        Assert.Equal(["eth1", "eth2"], o.Interfaces);
        Assert.Equal(TimeSpan.FromSeconds(60), o.PeersDbRefresh);
        Assert.Equal(("/tmp/l", "/tmp/s", 3, 4), (o.LogDir, o.StateDir, o.Verbose, o.Hello));
        Assert.Equal(new Uri("http://[2001:db8::1]:8000"), o.Registry);
        Assert.True(o.Wireless);
        Assert.Equal([new ServerEndpoint(1195, "udp")], o.Servers);
        Assert.Equal(TimeSpan.FromSeconds(30), o.TunnelRefresh);
        Assert.Equal(("dh.pem", "c.pem", "n.crt", "n.key"), (o.Dh, o.Ca, o.Cert, o.Key));
        Assert.Equal(5, o.ConnectionCount);
        Assert.Equal(0.5, o.RefreshRate);
    }

    [Fact]
    public void ArgumentsAfterDoubleDashGoToOpenVpnUntouched()
    {
        var o = NodeOptionParser.Parse(["--hello", "4", "--", "--verb", "4", "--hello", "@notafile"]);
        Assert.Equal(4, o.Hello);
        Assert.Equal(["--verb", "4", "--hello", "@notafile"], o.OpenVpnArgs);
    }

    [Fact]
    public void FileTakesOneOptionPerLineWithOrWithoutDashesAndComments()
    {
        var file = WriteFile("node.conf", """
            # a node
            hello 4          # fast
            --verbose 2

               connection-count 6
            pp 1195 udp
            pp 1196 tcp-server
            wireless
            """);
        var o = NodeOptionParser.Parse(["@" + file, "--refresh-rate", "0.25"]);
        Assert.Equal((4, 2, 6, 0.25, true), (o.Hello, o.Verbose, o.ConnectionCount, o.RefreshRate, o.Wireless));
        Assert.Equal([new ServerEndpoint(1195, "udp"), new ServerEndpoint(1196, "tcp-server")], o.Servers);
    }

    [Fact]
    public void LaterOptionsWinAndNestedFilesResolveFromTheIncludingFile()
    {
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        WriteFile("sub/inner.conf", "hello 7\nstate /tmp/inner\n");
        var outer = WriteFile("outer.conf", "hello 5\n@sub/inner.conf\nlog /tmp/outer\n");
        var o = NodeOptionParser.Parse(["--hello", "3", "@" + outer]);
        Assert.Equal((7, "/tmp/inner", "/tmp/outer"), (o.Hello, o.StateDir, o.LogDir));
    }

    [Fact]
    public void ShortOptionInAFileIsAnErrorNamingFileAndLine()
    {
        var file = WriteFile("short.conf", "hello 4\nv 3\n");
        var e = Assert.Throws<NodeOptionException>(() => NodeOptionParser.Parse(["@" + file]));
        Assert.Equal((file, 2), (e.File, e.Line));
        Assert.Contains($"{file}:2:", e.Message);
        Assert.Contains("long option", e.Message);
    }

    [Theory]
    [InlineData("hello\n", "takes 1 value")]
    [InlineData("hello 4 5\n", "takes 1 value")]
    [InlineData("frobnicate 1\n", "unknown option '--frobnicate'")]
    [InlineData("pp 1194 sctp\n", "--pp protocol 'sctp'")]
    [InlineData("refresh-rate 1.5\n", "--refresh-rate")]
    [InlineData("-- --verb 3\n", "only allowed on the command line")]
    public void MalformedFileLinesNameFileAndLine(string text, string expected)
    {
        var file = WriteFile("bad.conf", "# first\n" + text);
        var e = Assert.Throws<NodeOptionException>(() => NodeOptionParser.Parse(["@" + file]));
        Assert.Equal(2, e.Line);
        Assert.Equal(file, e.File);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ErrorInANestedFileNamesTheNestedFile()
    {
        var inner = WriteFile("inner.conf", "\n\nhello soon\n");
        var outer = WriteFile("outer.conf", "@inner.conf\n");
        var e = Assert.Throws<NodeOptionException>(() => NodeOptionParser.Parse(["@" + outer]));
        Assert.Equal((inner, 3), (e.File, e.Line));
    }

    [Fact]
    public void IncludeCycleAndMissingFileAreErrors()
    {
        var loop = WriteFile("loop.conf", "@loop.conf\n");
        Assert.Contains("includes itself", Assert.Throws<NodeOptionException>(() => NodeOptionParser.Parse(["@" + loop])).Message);
        var missing = Path.Combine(dir, "missing.conf");
        Assert.Contains(missing, Assert.Throws<NodeOptionException>(() => NodeOptionParser.Parse(["@" + missing])).Message);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "-x" }, "unknown option '-x'")]
    [InlineData(new[] { "--pp", "1194", "tcp" }, "--pp protocol 'tcp' must be udp or tcp-server")]
    [InlineData(new[] { "--pp", "70000", "udp" }, "--pp port")]
    [InlineData(new[] { "--refresh-rate", "-0.1" }, "--refresh-rate")]
    [InlineData(new[] { "--refresh-rate", "2" }, "--refresh-rate")]
    [InlineData(new[] { "--verbose", "6" }, "--verbose")]
    [InlineData(new[] { "--tunnel-timeout", "1" }, "--tunnel-timeout: '1' is not 0")]
    [InlineData(new[] { "--tunnel-timeout", "-5" }, "--tunnel-timeout: '-5'")]
    [InlineData(new[] { "--tunnel-timeout", "3601" }, "2..3600")]
    [InlineData(new[] { "--probe-timeout", "0.1" }, "--probe-timeout: '0.1' is not 0 (off) nor a number of seconds in 0.3..60")]
    [InlineData(new[] { "--probe-timeout", "-1" }, "--probe-timeout: '-1'")]
    [InlineData(new[] { "--probe-timeout", "61" }, "0.3..60")]
    [InlineData(new[] { "--hello" }, "--hello needs 1 value")]
    [InlineData(new[] { "--ip", "nowhere", "1194", "udp" }, "'nowhere' is not an IP address")]
    [InlineData(new[] { "--ip", "198.51.100.1", "1194", "tcp-server" }, "--ip protocol")]
    [InlineData(new[] { "--registry", "ftp://x" }, "--registry")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--pp", "1194", "udp", "--pp", "1194", "udp" }, "same port")]
    // udp on 0.0.0.0 and udp6 on dual-stack [::] would fight for one port.
    [InlineData(new[] { "--pp", "1194", "udp", "--pp", "1194", "udp6" }, "same port")]
    [InlineData(new[] { "--ip", "2001:db8::7", "1194", "udp" }, "every --pp server listens on IPv4 only: add --pp 1194 udp6")]
    [InlineData(new[] { "--ip", "2001:db8::7", "1194", "udp", "--pp", "1194", "udp" }, "IPv6 address")]
    [InlineData(new[] { "--pp", "1194", "udp7" }, "udp6 or tcp6-server")]
    public void BadCommandLinesAreNamedErrors(string[] args, string expected)
    {
        var e = Assert.Throws<NodeOptionException>(() => NodeOptionParser.Parse(args));
        Assert.Contains(expected, e.Message);
        Assert.Null(e.File);
    }

    [Fact]
    public void IPv6UnderlayOptionsTakeOpenVpnsSpellings()
    {
        var o = NodeOptionParser.Parse(["--ip", "2001:db8::7", "1194", "udp", "--ip", "198.51.100.7", "1194", "udp6",
            "--ip", "2001:db8::7", "1195", "tcp6-client", "--pp", "1194", "udp6", "--pp", "1195", "tcp6-server"]);
        Assert.Equal([new ServerEndpoint(1194, "udp6"), new ServerEndpoint(1195, "tcp6-server")], o.Servers);
        // The address says the family: the wire keeps udp and tcp-client.
        Assert.Equal("2001:db8::7,1194,udp;198.51.100.7,1194,udp;2001:db8::7,1195,tcp-client", Vifibnet.Addressing.PeerAddress.FormatList(o.Ips));
        Assert.Equal(["udp", "tcp-client"], o.Servers.Select(s => s.ClientProtocol));
        Assert.All(o.Servers, s => Assert.True(s.AcceptsIPv6));
        Assert.False(new ServerEndpoint(1194, "udp").AcceptsIPv6);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("3", 3.0)]
    public void TheProbeTimeoutTakesFractionsOfASecondOrZeroForOff(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), NodeOptionParser.Parse(["--probe-timeout", text]).ProbeTimeout);
}
