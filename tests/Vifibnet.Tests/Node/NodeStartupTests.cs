using System.Security.Cryptography;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.Processes;

namespace Vifibnet.Tests.Node;

/// <summary>Bad certificates and missing programs stop the node with a clear error before any process starts.</summary>
public sealed class NodeStartupTests : IDisposable
{
    readonly TestNetwork network = new();
    readonly string dir;

    public NodeStartupTests() => dir = network.MakeNode(1);

    NodeOptions Options => new() { StateDir = dir, LogDir = dir };

    async Task<Exception> FailsToStart(NodeOptions options)
    {
        var records = new List<LogRecord>();
        var daemon = new NodeDaemon(options, new Logger(LogLevel.Trace, records.Add));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => daemon.RunAsync(CancellationToken.None));
        Assert.Equal(NodeState.Failed, daemon.State);
        Assert.Same(e, daemon.Failure);
        Assert.Contains(records, r => r.Level == LogLevel.Error && r.Message.Contains(e.Message));
        // Nothing was started: no run directory, no control socket, no peer DB.
        Assert.False(Directory.Exists(Path.Combine(options.StateDir, "run")));
        Assert.False(File.Exists(options.ControlSocketPath));
        Assert.False(File.Exists(options.PeerDbPath));
        return e;
    }

    [Fact]
    public async Task MissingCertificateIsNamed()
    {
        File.Delete(Path.Combine(dir, "cert.crt"));
        var e = await FailsToStart(Options);
        Assert.IsType<CertificateException>(e);
        Assert.Contains(Path.Combine(dir, "cert.crt"), e.Message);
    }

    [Fact]
    public async Task MissingCaIsNamed()
    {
        var e = await FailsToStart(Options with { Ca = Path.Combine(dir, "nowhere.pem") });
        Assert.Contains(Path.Combine(dir, "nowhere.pem"), e.Message);
    }

    [Fact]
    public async Task CertificateFromAnotherCaIsRefused()
    {
        using var other = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:43::/48"), "Other CA");
        PemFile.WriteCertificate(Path.Combine(dir, "ca.pem"), other.Certificate);
        var e = await FailsToStart(Options);
        Assert.Contains("not issued by this network's CA", e.Message);
    }

    [Fact]
    public async Task KeyOfAnotherNodeIsRefused()
    {
        using var stranger = RSA.Create(2048);
        PemFile.WritePrivateKey(Path.Combine(dir, "cert.key"), stranger);
        var e = await FailsToStart(Options);
        Assert.Contains("does not belong to certificate", e.Message);
        Assert.Contains(Path.Combine(dir, "cert.key"), e.Message);
    }

    [Fact]
    public async Task UnreadableKeyIsNamed()
    {
        File.WriteAllText(Path.Combine(dir, "cert.key"), "not a key");
        var e = await FailsToStart(Options);
        Assert.Contains(Path.Combine(dir, "cert.key"), e.Message);
    }

    [Fact]
    public async Task MissingDhFileIsNamed()
    {
        var e = await FailsToStart(Options with { Dh = Path.Combine(dir, "dh2048.pem") });
        Assert.Contains("--dh file", e.Message);
    }

    [Fact]
    public void MissingProgramNamesTheDebianPackage()
    {
        var empty = Directory.CreateTempSubdirectory("vifibnet-nopath-").FullName;
        try
        {
            var e = Assert.Throws<ToolNotFoundException>(() => Tools.Find(Tools.Babeld, [empty]));
            Assert.Contains("apt-get install babeld", e.Message);
            Assert.Contains("apt-get install openvpn", Assert.Throws<ToolNotFoundException>(() => Tools.Find(Tools.OpenVpn, [empty])).Message);
            Assert.Contains("apt-get install iproute2", Assert.Throws<ToolNotFoundException>(() => Tools.Find(Tools.Ip, [empty])).Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void IdentityOfAGoodNodeIsItsPrefixAndAddress()
    {
        var identity = NodeStartup.CheckIdentity(Options, DateTimeOffset.UtcNow);
        Assert.Equal(TestNetwork.PrefixOf(1), identity.Prefix.ToBinary());
        Assert.Equal(TestNetwork.AddressOf(1), identity.Address);
    }

    [Fact]
    public void ExpiredCertificateIsRefused()
    {
        var e = Assert.Throws<CertificateException>(() => NodeStartup.CheckIdentity(Options, DateTimeOffset.UtcNow.AddDays(30)));
        Assert.Contains("renew", e.Message);
    }

    public void Dispose() => network.Dispose();
}
