using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.OpenVpn;
using Vifibnet.Protocol;
using Vifibnet.Tests.Node;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Lifecycle;

/// <summary>
/// What a node takes from the registry's revocation answer (plain HTTP: anyone on the path could change it):
/// only a CRL the network's CA signed, never an older one, and prefixes only of CA-signed certificates the
/// CRL lists. A refused answer leaves the CRL file openvpn reads as it was.
/// </summary>
public sealed class NodeCrlTests
{
    static string Pem(X509Certificate2 c) => c.ExportCertificatePem() + "\n";

    [Fact]
    public void OnlyACaSignedNewerCrlIsWrittenAndItsCertificatesNameTheRevokedPrefixes()
    {
        using var network = new TestCertificates();
        using var key = RSA.Create(2048);
        using var node3 = network.Issue(3, key);
        using var node4 = network.Issue(4, key);
        using var dir = new TempDir();
        var revocations = new NodeRevocations(dir.File("crl.pem"), dir.File("revoked.pem"), network.Ca.Certificate, Logger.Null);
        var now = DateTimeOffset.UtcNow;
        string Crl(CertificateAuthority ca, long number, params X509Certificate2[] revoked) =>
            RevocationList.Build(ca, revoked.Select(c => new RevokedEntry(c.SerialNumber, now)), new BigInteger(number), now, now.AddDays(1));

        // node 4's certificate comes along but is not on the CRL: only node 3 is revoked.
        var added = revocations.Apply(new RevocationsResponse(Crl(network.Ca, 5, node3), [Pem(node3), Pem(node4)]));
        Assert.Equal([TestNetwork.PrefixOf(3)], added);
        var written = File.ReadAllText(dir.File("crl.pem"));
        Assert.Equal(5, (int)RevocationList.Verify(written, network.Ca.Certificate).Number);

        // A CRL from another CA (a forger on the path): refused, the file unchanged.
        using var forger = CertificateAuthority.Create(TestCertificates.Network);
        Assert.Throws<CertificateException>(() => revocations.Apply(new RevocationsResponse(Crl(forger, 9, node4), [Pem(node4)])));
        // An older CRL of the right CA (bringing node 3 back): refused.
        Assert.Throws<CertificateException>(() => revocations.Apply(new RevocationsResponse(Crl(network.Ca, 4), [])));
        // Garbage: refused.
        Assert.Throws<CertificateException>(() => revocations.Apply(new RevocationsResponse("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", [])));
        Assert.Equal(written, File.ReadAllText(dir.File("crl.pem")));
        Assert.Equal([TestNetwork.PrefixOf(3)], revocations.RevokedPrefixes);

        // A node restarted reads its stored CRL back, with the revoked prefixes.
        var restarted = new NodeRevocations(dir.File("crl.pem"), dir.File("revoked.pem"), network.Ca.Certificate, Logger.Null);
        restarted.LoadStored();
        Assert.Equal([TestNetwork.PrefixOf(3)], restarted.RevokedPrefixes);

        // openvpn gets --crl-verify once the file exists, not before.
        var settings = new OpenVpnSettings("ca", "cert", "key", 4, 1, null, 4, [], dir.Path, dir.Path, dir.File("crl.pem"));
        Assert.Contains("--crl-verify", OpenVpnArguments.Server(settings, "vifib-s0", 1194, "udp"));
        var none = settings with { CrlPath = dir.File("absent.pem") };
        Assert.DoesNotContain("--crl-verify", OpenVpnArguments.Client(none, "vifib-c0", Vifibnet.Addressing.PeerAddress.ParseList("198.51.100.1,1194,udp")));
    }
}
