using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Logging;

namespace Vifibnet.Certificates;

/// <summary>A network's CA: its certificate (the serial carries the network prefix) and its key.</summary>
public sealed class CertificateAuthority : IDisposable
{
    public X509Certificate2 Certificate { get; }
    public RSA Key { get; }
    public NetworkPrefix Network { get; }

    CertificateAuthority(X509Certificate2 certificate, RSA key)
    {
        Certificate = certificate;
        Key = key;
        Network = NetworkPrefixOf(certificate);
    }

    /// <summary>The network prefix carried by a CA certificate's serial number.</summary>
    public static NetworkPrefix NetworkPrefixOf(X509Certificate2 ca)
    {
        try
        {
            return NetworkPrefix.FromSerialHex(ca.SerialNumber);
        }
        catch (AddressingException e)
        {
            throw new CertificateException($"the CA's serial number 0x{ca.SerialNumber} does not encode a network prefix: {e.Message}", e);
        }
    }

    /// <summary>Makes a new self-signed CA for the network (RSA 2048, SHA-256).</summary>
    public static CertificateAuthority Create(NetworkPrefix network, string commonName = "Vifibnet CA", TimeSpan? validity = null, int keySize = 2048)
    {
        var key = RSA.Create(keySize);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        var generator = X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1);
        var certificate = request.Create(request.SubjectName, generator, now, now + (validity ?? TimeSpan.FromDays(3650)), network.ToSerialBytes());
        return new CertificateAuthority(certificate, key);
    }

    /// <summary>
    /// Loads a CA from its PEM files (ours, or one made by hand with the seed's openssl command).
    /// A key others can read is used but warned about: whoever reads it can issue certificates.
    /// </summary>
    public static CertificateAuthority Load(string caPath, string keyPath, Logger? log = null)
    {
        var certificate = PemFile.ReadCertificate(caPath, "CA certificate");
        var key = PemFile.ReadPrivateKey(keyPath, "CA key");
        if (!CertificateChecks.MatchesKey(certificate, key))
            throw new CertificateException($"CA key '{keyPath}' does not belong to CA certificate '{caPath}'");
        if (PemFile.AccessibleToOthers(keyPath))
            log?.Warning($"CA key '{keyPath}' can be read by other users, who could then issue certificates for this network: chmod 600 '{keyPath}'");
        return new CertificateAuthority(certificate, key);
    }

    /// <summary>Writes the CA certificate and its key (mode 0600).</summary>
    public void Save(string caPath, string keyPath)
    {
        PemFile.WritePrivateKey(keyPath, Key);
        PemFile.WriteCertificate(caPath, Certificate);
    }

    /// <summary>
    /// Signs a node certificate for a CSR (SHA-256): subject CN replaced by the node prefix ("1/16"),
    /// the CSR's other subject attributes kept.
    /// </summary>
    public X509Certificate2 Issue(CertificateRequest csr, NodePrefix prefix, byte[] serial, TimeSpan validity) =>
        X509Certificate2.CreateFromPem(PemEncoding.Write("CERTIFICATE", IssueDer(csr, prefix, serial, validity)));

    /// <summary>
    /// <see cref="Issue"/> as DER, written here rather than through CertificateRequest.Create, which loads the
    /// certificate it made back into OpenSSL (as long again as the RSA signature itself): the registry only
    /// stores and sends the bytes. The extensions are .NET's own encodings; tests check the result against openssl.
    /// </summary>
    public byte[] IssueDer(CertificateRequest csr, NodePrefix prefix, byte[] serial, TimeSpan validity)
    {
        var subject = NodeSubject(csr.SubjectName, prefix);
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = now + validity;
        if (notAfter > Certificate.NotAfter) notAfter = Certificate.NotAfter;

        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                tbs.WriteInteger(2); // v3
            var significant = serial.AsSpan().TrimStart((byte)0);
            tbs.WriteIntegerUnsigned(significant.IsEmpty ? [0] : significant);
            WriteSha256WithRsa(tbs);
            tbs.WriteEncodedValue(Certificate.SubjectName.RawData);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, now);
                WriteTime(tbs, notAfter);
            }
            tbs.WriteEncodedValue(subject.RawData);
            tbs.WriteEncodedValue(csr.PublicKey.ExportSubjectPublicKeyInfo());
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
            using (tbs.PushSequence())
                foreach (var extension in NodeExtensions)
                    using (tbs.PushSequence())
                    {
                        tbs.WriteObjectIdentifier(extension.Oid!.Value!);
                        if (extension.Critical) tbs.WriteBoolean(true);
                        tbs.WriteOctetString(extension.RawData);
                    }
        }
        var tbsDer = tbs.Encode();
        var certificate = new AsnWriter(AsnEncodingRules.DER);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(tbsDer);
            WriteSha256WithRsa(certificate);
            certificate.WriteBitString(Key.SignData(tbsDer, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
        return certificate.Encode();
    }

    // openvpn's --remote-cert-tls is not used; both usages let one certificate be client and server.
    static readonly X509Extension[] NodeExtensions =
    [
        new X509BasicConstraintsExtension(false, false, 0, true),
        new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement, true),
        new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false),
    ];

    static void WriteSha256WithRsa(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.113549.1.1.11");
            writer.WriteNull();
        }
    }

    // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds.
    static void WriteTime(AsnWriter writer, DateTimeOffset when)
    {
        var seconds = DateTimeOffset.FromUnixTimeSeconds(when.ToUnixTimeSeconds());
        if (seconds.Year < 2050) writer.WriteUtcTime(seconds);
        else writer.WriteGeneralizedTime(seconds, omitFractionalSeconds: true);
    }

    /// <summary>The CSR's subject with CN set to the node prefix; throws <see cref="CertificateException"/> when <see cref="SubjectPolicy"/> refuses it.</summary>
    static X500DistinguishedName NodeSubject(X500DistinguishedName requested, NodePrefix prefix)
    {
        var builder = new X500DistinguishedNameBuilder();
        foreach (var (oid, value) in SubjectPolicy.Check(requested))
            if (oid != "2.5.4.3") builder.Add(oid, value); // CN: ours to set
        builder.AddCommonName(prefix.ToCommonName());
        return builder.Build();
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
