using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;

namespace Vifibnet.Node;

/// <summary>
/// The node's copy of the network's CRL (the file openvpn is given with --crl-verify) and the prefixes it
/// revokes. Only a CRL signed by the network's CA, with a number not lower than the one held, is taken:
/// a forged one would make openvpn refuse every peer, an older one would bring a revoked peer back.
/// A revoked prefix is known from the revoked certificate itself (signed by the CA, its serial on the CRL).
/// </summary>
public sealed class NodeRevocations(string crlPath, string revokedCertificatesPath, X509Certificate2 ca, Logger log)
{
    RevocationList? current;
    HashSet<string> revokedPrefixes = [];

    public string CrlPath => crlPath;
    public RevocationList? Current => current;

    /// <summary>The binary prefixes of revoked nodes.</summary>
    public IReadOnlySet<string> RevokedPrefixes => revokedPrefixes;

    /// <summary>Reads the CRL kept from the last run, if any (one that no longer verifies is set aside, not used).</summary>
    public void LoadStored()
    {
        if (!File.Exists(crlPath)) return;
        try
        {
            current = RevocationList.Verify(File.ReadAllText(crlPath), ca);
            var certificates = File.Exists(revokedCertificatesPath) ? PemCertificates(File.ReadAllText(revokedCertificatesPath)) : [];
            revokedPrefixes = PrefixesOf(current, certificates);
        }
        catch (Exception e) when (e is CertificateException or IOException)
        {
            log.Warning($"the stored CRL {crlPath} is not usable ({e.Message}); moved aside until the registry sends one");
            File.Move(crlPath, crlPath + ".bad", overwrite: true);
            current = null;
        }
    }

    /// <summary>
    /// Takes the registry's answer: verified, written for openvpn when newer, and returns the prefixes revoked
    /// since the last one (empty when nothing changed); throws <see cref="CertificateException"/> when it is refused.
    /// </summary>
    public IReadOnlySet<string> Apply(RevocationsResponse answer)
    {
        var crl = RevocationList.Verify(answer.Crl, ca);
        if (current is not null && crl.Number < current.Number)
            throw new CertificateException($"the registry sent CRL number {crl.Number}, older than the one held ({current.Number}); kept the held one");
        if (current is not null && crl.Number == current.Number && crl.ThisUpdate <= current.ThisUpdate) return new HashSet<string>();
        var certificates = answer.Certificates.SelectMany(PemCertificates).ToList();
        var prefixes = PrefixesOf(crl, certificates);
        AtomicFile.WriteText(crlPath, crl.Pem);
        AtomicFile.WriteText(revokedCertificatesPath, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        var added = prefixes.Except(revokedPrefixes).ToHashSet();
        (current, revokedPrefixes) = (crl, prefixes);
        foreach (var c in certificates) c.Dispose();
        return added;
    }

    /// <summary>The prefixes of the certificates that are our CA's and listed on the CRL; others are ignored.</summary>
    HashSet<string> PrefixesOf(RevocationList crl, IEnumerable<X509Certificate2> certificates)
    {
        var prefixes = new HashSet<string>();
        foreach (var cert in certificates)
        {
            if (!crl.Lists(cert.SerialNumber) || !CertificateChecks.IsIssuedBy(cert, ca)) continue;
            try { prefixes.Add(NodePrefix.ParseCommonName(cert.GetNameInfo(X509NameType.SimpleName, false)).ToBinary()); }
            catch (AddressingException) { }
        }
        return prefixes;
    }

    static List<X509Certificate2> PemCertificates(string pem)
    {
        var list = new List<X509Certificate2>();
        var rest = pem.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var block = rest[fields.Location];
            try { list.Add(X509Certificate2.CreateFromPem(block.Span)); }
            catch (CryptographicException) { }
            rest = rest[fields.Location.End..];
        }
        return list;
    }
}
