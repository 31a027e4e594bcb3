using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Vifibnet.Addressing;
using Vifibnet.Certificates;

namespace Vifibnet.Exchange;

/// <summary>
/// A node's declaration of its own addresses, signed with its certificate key: what the node declares
/// to the registry, in a form any member can check without the registry. Peer exchange repeats only
/// these, never an address on a neighbour's word: a lying member can misdeclare itself (as it could to
/// the registry) but cannot put an address in another node's name, nor keep one alive past
/// <see cref="Lifetime"/>. Signed text: "vifibnet-peer-v1\nPREFIX\nADDRESS\nDECLARED" (prefix in binary,
/// from the certificate's CN; declared in Unix seconds); RSA PKCS#1 v1.5 SHA-256.
/// </summary>
/// <param name="Certificate">The declaring node's certificate, DER, base64.</param>
/// <param name="Address">"ip,port,proto;..." as declared to the registry.</param>
/// <param name="Declared">When it was signed, Unix seconds.</param>
/// <param name="Signature">Base64 signature of the text above.</param>
public sealed record SignedPeer(string Certificate, string Address, long Declared, string Signature)
{
    /// <summary>How long a declaration is repeated: the registry's peer timeout (a node not declared for a day is no longer handed out).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    /// <summary>How far in the future a declaration may be dated (clock skew between members).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>At most this many addresses in one declaration (the registry's limit).</summary>
    public const int MaxAddresses = 32;

    public static byte[] Text(string prefix, string address, long declared) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"vifibnet-peer-v1\n{prefix}\n{address}\n{declared}"));

    /// <summary>Our own declaration of <paramref name="address"/>, signed now.</summary>
    public static SignedPeer Sign(X509Certificate2 certificate, RSA key, string prefix, string address, DateTimeOffset now)
    {
        var declared = now.ToUnixTimeSeconds();
        var signature = key.SignData(Text(prefix, address, declared), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new SignedPeer(Convert.ToBase64String(certificate.RawData), address, declared, Convert.ToBase64String(signature));
    }

    public DateTimeOffset DeclaredAt => DateTimeOffset.FromUnixTimeSeconds(Declared);

    /// <summary>
    /// Checks everything a receiver must: the certificate is the network CA's and current, the
    /// signature is the certificate key's over this prefix, address and date, the date is within
    /// <see cref="Lifetime"/> (and not ahead of <paramref name="now"/> by more than the skew), and
    /// every address passes the registry's own address checks. Returns the declaring node's prefix
    /// (binary); throws <see cref="PeerExchangeException"/> saying what is wrong.
    /// </summary>
    public string Verify(X509Certificate2 ca, NetworkPrefix network, DateTimeOffset now)
    {
        X509Certificate2 cert;
        try { cert = CertificateReader.FromBase64Der(Certificate ?? ""); }
        catch (CertificateException e) { throw new PeerExchangeException($"declaration certificate unreadable: {e.Message}", e); }
        using (cert)
        {
            if (!CertificateChecks.IsIssuedBy(cert, ca)) throw new PeerExchangeException($"declaration certificate '{cert.Subject}' was not issued by the network's CA");
            if (!CertificateChecks.IsCurrent(cert, now)) throw new PeerExchangeException($"declaration certificate '{cert.Subject}' is not valid now");
            string prefix;
            try { prefix = NodePrefix.ParseCommonName(cert.GetNameInfo(X509NameType.SimpleName, false)).ToBinary(); }
            catch (AddressingException e) { throw new PeerExchangeException($"declaration certificate CN is not a node prefix: {e.Message}", e); }
            var age = now - DeclaredAt;
            if (Declared < now.ToUnixTimeSeconds() - (long)Lifetime.TotalSeconds)
                throw new PeerExchangeException($"declaration of {prefix} is {age.TotalHours:0.#} h old: stale (older than {Lifetime.TotalHours:0} h)");
            if (Declared > now.ToUnixTimeSeconds() + (long)ClockSkew.TotalSeconds)
                throw new PeerExchangeException($"declaration of {prefix} is dated in the future ({DeclaredAt:u})");
            byte[] signature;
            try { signature = Convert.FromBase64String(Signature ?? ""); }
            catch (FormatException e) { throw new PeerExchangeException($"declaration of {prefix}: signature is not base64", e); }
            using (var key = cert.GetRSAPublicKey())
                if (key is null || !key.VerifyData(Text(prefix, Address ?? "", Declared), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                    throw new PeerExchangeException($"declaration of {prefix} ({Address}): the signature is not the declaring node's");
            IReadOnlyList<PeerAddress> addresses;
            try { addresses = PeerAddress.ParseList(Address ?? ""); }
            catch (AddressingException e) { throw new PeerExchangeException($"declaration of {prefix}: {e.Message}", e); }
            if (addresses.Count is 0 or > MaxAddresses) throw new PeerExchangeException($"declaration of {prefix}: {addresses.Count} addresses (1..{MaxAddresses})");
            try { UnderlayAddress.CheckAll(addresses, network); }
            catch (UnderlayAddressException e) { throw new PeerExchangeException($"declaration of {prefix}: {e.Message}", e); }
            return prefix;
        }
    }
}
