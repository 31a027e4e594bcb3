using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>The registry's TLS server certificate and the CA it chains to (sent in the handshake, so a pinned fingerprint can be checked).</summary>
public sealed record RegistryTlsIdentity(X509Certificate2 Certificate, X509Certificate2 Ca);

/// <summary>
/// Makes the registry's TLS server certificate when it starts with --tls: signed by the network's own CA
/// (the one every node holds and setup pins), CN <see cref="RegistryTls.ServerCommonName"/> — which no node
/// certificate carries — server authentication only, a fresh ECDSA P-256 key kept in memory (nothing to
/// store or rotate: a restart makes another), names for loopback and whatever --tls-name adds.
/// </summary>
public static class RegistryTlsCertificate
{
    public static RegistryTlsIdentity Issue(CertificateAuthority ca, IEnumerable<string> names, TimeSpan? validity = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={RegistryTls.ServerCommonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var name in names)
            if (IPAddress.TryParse(name.Trim('[', ']'), out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = now + (validity ?? TimeSpan.FromDays(365));
        if (notAfter > ca.Certificate.NotAfter) notAfter = ca.Certificate.NotAfter;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        using var signed = request.Create(ca.Certificate.SubjectName, X509SignatureGenerator.CreateForRSA(ca.Key, RSASignaturePadding.Pkcs1), now, notAfter, serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        // Through PKCS#12 so that the key is one TLS can use on every platform (not an ephemeral handle).
#pragma warning disable SYSLIB0057 // Core targets net8.0, where X509CertificateLoader does not exist
        var certificate = new X509Certificate2(withKey.Export(X509ContentType.Pkcs12));
#pragma warning restore SYSLIB0057
        return new RegistryTlsIdentity(certificate, ca.Certificate);
    }
}
