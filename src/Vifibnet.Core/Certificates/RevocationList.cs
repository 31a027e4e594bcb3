using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Certificates;

/// <summary>One revoked certificate in a CRL: its serial (upper-case hex, as <see cref="X509Certificate2.SerialNumber"/>) and when it was revoked.</summary>
public sealed record RevokedEntry(string Serial, DateTimeOffset RevokedAt);

/// <summary>
/// A network's certificate revocation list (X.509 v2 CRL, PEM): built and signed by the registry's CA,
/// read and checked by the nodes before openvpn is given it (--crl-verify): a CRL that is not signed by
/// the network's CA would make openvpn refuse every peer, so nothing unchecked is ever written.
/// </summary>
public sealed class RevocationList
{
    const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    const string CrlNumberOid = "2.5.29.20";

    public BigInteger Number { get; }
    public DateTimeOffset ThisUpdate { get; }
    public DateTimeOffset? NextUpdate { get; }
    public IReadOnlyList<RevokedEntry> Entries { get; }
    public string Pem { get; }

    RevocationList(BigInteger number, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, IReadOnlyList<RevokedEntry> entries, string pem) =>
        (Number, ThisUpdate, NextUpdate, Entries, Pem) = (number, thisUpdate, nextUpdate, entries, pem);

    /// <summary>Whether a certificate with this serial is listed (leading zero bytes of the DER integer aside).</summary>
    public bool Lists(string serialHex) =>
        Entries.Any(e => string.Equals(e.Serial.TrimStart('0'), serialHex.TrimStart('0'), StringComparison.OrdinalIgnoreCase));

    /// <summary>Signs a CRL listing <paramref name="entries"/> with the CA's key (SHA-256, RSA PKCS#1), valid until <paramref name="nextUpdate"/>.</summary>
    public static string Build(CertificateAuthority ca, IEnumerable<RevokedEntry> entries, BigInteger number, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var e in entries)
            builder.AddEntry(Convert.FromHexString(e.Serial), e.RevokedAt, X509RevocationReason.KeyCompromise);
        var der = builder.Build(ca.Certificate.SubjectName, X509SignatureGenerator.CreateForRSA(ca.Key, RSASignaturePadding.Pkcs1), number, nextUpdate,
            HashAlgorithmName.SHA256, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Certificate, true, false), thisUpdate);
        return PemEncoding.WriteString("X509 CRL", der) + "\n";
    }

    /// <summary>
    /// Reads a PEM CRL and checks it was signed by <paramref name="ca"/>'s key and names it as issuer;
    /// throws <see cref="CertificateException"/> saying what is wrong.
    /// </summary>
    public static RevocationList Verify(string pem, X509Certificate2 ca)
    {
        byte[] der;
        try
        {
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] != "X509 CRL") throw new CertificateException($"the PEM block is a {pem[fields.Label]}, not an X509 CRL");
            der = Convert.FromBase64String(pem[fields.Base64Data]);
        }
        catch (ArgumentException e) { throw new CertificateException($"the CRL is not PEM: {e.Message}", e); }
        catch (FormatException e) { throw new CertificateException($"the CRL's base64 is damaged: {e.Message}", e); }
        try
        {
            return Parse(der, ca, PemEncoding.WriteString("X509 CRL", der) + "\n");
        }
        catch (AsnContentException e) { throw new CertificateException($"the CRL is not a DER CertificateList: {e.Message}", e); }
    }

    static RevocationList Parse(byte[] der, X509Certificate2 ca, string pem)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbsBytes = outer.PeekEncodedValue().ToArray();
        var tbs = outer.ReadSequence();
        var algorithm = outer.ReadSequence().ReadObjectIdentifier();
        var signature = outer.ReadBitString(out _);
        if (algorithm != Sha256WithRsa)
            throw new CertificateException($"the CRL is signed with algorithm {algorithm}, not sha256WithRSAEncryption");
        using (var key = ca.GetRSAPublicKey())
            if (key is null || !key.VerifyData(tbsBytes, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                throw new CertificateException($"the CRL's signature does not verify with the key of the network's CA ({ca.Subject})");

        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger(); // version v2
        tbs.ReadSequence(); // signature algorithm, repeated
        var issuer = tbs.ReadEncodedValue();
        if (!issuer.Span.SequenceEqual(ca.SubjectName.RawData))
            throw new CertificateException($"the CRL's issuer is not the network's CA ({ca.Subject})");
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = IsTime(tbs) ? ReadTime(tbs) : null;
        var entries = new List<RevokedEntry>();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                var entry = revoked.ReadSequence();
                var serial = Convert.ToHexString(entry.ReadIntegerBytes().Span);
                entries.Add(new RevokedEntry(serial, ReadTime(entry)));
            }
        }
        var number = BigInteger.Zero;
        if (tbs.HasData)
        {
            var extensions = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var oid = extension.ReadObjectIdentifier();
                if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean)) extension.ReadBoolean();
                var value = extension.ReadOctetString();
                if (oid == CrlNumberOid) number = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
            }
        }
        return new RevocationList(number, thisUpdate, nextUpdate, entries, pem);
    }

    static bool IsTime(AsnReader reader) =>
        reader.HasData && (reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || reader.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime));

    static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
