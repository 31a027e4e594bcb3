using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Certificates;

/// <summary>
/// Reads a certificate that a stranger sent (the registry's X-Vifibnet-Certificate header): an X.509
/// certificate in DER and nothing else, of bounded size. The bytes must have a certificate's shape
/// (SEQUENCE of tbsCertificate, algorithm, signature) before any parser sees them, and are then loaded
/// through PEM's CERTIFICATE label: the X509Certificate2 byte constructor would also take a PKCS#12
/// blob and run its key derivation for as many iterations as the sender chose.
/// </summary>
public static class CertificateReader
{
    /// <summary>Larger than any node certificate (an RSA-4096 one is about 1.5 KB) with room to spare.</summary>
    public const int MaxDerBytes = 8 * 1024;

    /// <summary>A certificate from base64 DER; throws <see cref="CertificateException"/> saying what is wrong.</summary>
    public static X509Certificate2 FromBase64Der(string base64)
    {
        if (base64.Length > (MaxDerBytes + 2) / 3 * 4)
            throw new CertificateException($"the certificate is larger than {MaxDerBytes} bytes: not a node certificate");
        byte[] der;
        try { der = Convert.FromBase64String(base64); }
        catch (FormatException e) { throw new CertificateException("the certificate is not base64", e); }
        return FromDer(der);
    }

    /// <summary>A certificate from DER bytes; throws <see cref="CertificateException"/> for anything else (PKCS#12, PKCS#7, junk).</summary>
    public static X509Certificate2 FromDer(byte[] der)
    {
        if (der.Length > MaxDerBytes)
            throw new CertificateException($"the certificate is larger than {MaxDerBytes} bytes: not a node certificate");
        CheckShape(der);
        try
        {
            return X509Certificate2.CreateFromPem(PemEncoding.Write("CERTIFICATE", der));
        }
        catch (CryptographicException e)
        {
            throw new CertificateException($"not an X.509 certificate: {e.Message}", e);
        }
    }

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING }, nothing after.</summary>
    static void CheckShape(byte[] der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var certificate = outer.ReadSequence();
            if (outer.HasData) throw new AsnContentException("data after the certificate");
            var tbs = certificate.ReadSequence();
            if (!tbs.HasData) throw new AsnContentException("empty tbsCertificate");
            certificate.ReadSequence();
            certificate.ReadBitString(out _);
            if (certificate.HasData) throw new AsnContentException("data after the signature");
        }
        catch (AsnContentException e)
        {
            throw new CertificateException("not an X.509 certificate in DER (PKCS#12 and other containers are refused)", e);
        }
    }
}
