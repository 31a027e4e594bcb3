using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;

namespace Vifibnet.Tests.Support;

/// <summary>
/// The suite's one certificate fixture: a network CA for 2001:db8:42::/48 made in code (or a given
/// one, e.g. a registry's) and the node certificates it issues, written as the PEM files openvpn and
/// the node read.
/// </summary>
public sealed class TestCertificates(CertificateAuthority? ca = null) : IDisposable
{
    public static readonly NetworkPrefix Network = NetworkPrefix.Parse("2001:db8:42::/48");

    readonly bool ownsCa = ca is null;

    public CertificateAuthority Ca { get; } = ca ?? CertificateAuthority.Create(Network);

    /// <summary>How long the node certificates live (a day; minutes for the renewal tests).</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Node n's certificate (prefix n/16, serial 1000 + n, valid <see cref="Validity"/>) for <paramref name="key"/>.</summary>
    public X509Certificate2 Issue(int n, RSA key)
    {
        var csr = new CertificateRequest("CN=node", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Ca.Issue(csr, new NodePrefix(n, 16), new BigInteger(1000 + n).ToByteArray(isUnsigned: true, isBigEndian: true), Validity);
    }

    /// <summary>Writes the CA certificate, node n's certificate and a new key for it into <paramref name="dir"/> (the names setup gives them).</summary>
    public CertificateFiles Write(string dir, int n)
    {
        Directory.CreateDirectory(dir);
        using var key = RSA.Create(2048);
        using var cert = Issue(n, key);
        var files = new CertificateFiles(Path.Combine(dir, "ca.pem"), Path.Combine(dir, "cert.crt"), Path.Combine(dir, "cert.key"));
        PemFile.WriteCertificate(files.Ca, Ca.Certificate);
        PemFile.WriteCertificate(files.Cert, cert);
        PemFile.WritePrivateKey(files.Key, key);
        return files;
    }

    public void Dispose()
    {
        if (ownsCa) Ca.Dispose();
    }
}
