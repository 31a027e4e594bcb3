using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;

namespace Vifibnet.Tests.Nat;

/// <summary>A network CA and one node certificate made in code, written as PEM files for openvpn and the node.</summary>
sealed record TestCertificates(string Ca, string Cert, string Key)
{
    public static TestCertificates Write(string dir)
    {
        using var ca = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        using var key = RSA.Create(2048);
        var csr = new CertificateRequest("CN=node", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = ca.Issue(csr, new NodePrefix(1, 16), [0x01, 0x02], TimeSpan.FromDays(1));
        var files = new TestCertificates(Path.Combine(dir, "ca.crt"), Path.Combine(dir, "node.crt"), Path.Combine(dir, "node.key"));
        PemFile.WriteCertificate(files.Ca, ca.Certificate);
        PemFile.WriteCertificate(files.Cert, cert);
        PemFile.WritePrivateKey(files.Key, key);
        return files;
    }
}
