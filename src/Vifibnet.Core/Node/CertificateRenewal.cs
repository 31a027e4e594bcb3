using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Protocol;

namespace Vifibnet.Node;

/// <summary>What a renewal gave: the new certificate's serial, its validity and when the next renewal is due.</summary>
public sealed record RenewalResult(string Prefix, string Serial, DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset NextRenewal);

/// <summary>A renewal the registry refused or that returned a certificate the node cannot use; the certificate file is unchanged.</summary>
public sealed class RenewalException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The node's side of renewal (docs/lifecycle.md): when it is due (about two thirds into the certificate's life),
/// and the renewal itself: a CSR for the node's own key, signed request to the registry, the answer checked
/// (same CA, same prefix, same key, living longer) and written over the certificate file in one rename.
/// </summary>
public static class CertificateRenewal
{
    /// <summary>
    /// When a certificate is renewed: about two thirds into its life, between 60 % and 70 %, the point fixed by
    /// the certificate's serial, so nodes registered together do not all restart their tunnels at the same moment.
    /// </summary>
    public static DateTimeOffset DueAt(X509Certificate2 cert)
    {
        var (from, to) = (new DateTimeOffset(cert.NotBefore.ToUniversalTime()), new DateTimeOffset(cert.NotAfter.ToUniversalTime()));
        var spread = SHA256.HashData(cert.GetSerialNumber())[0] / 255.0;
        return from + (to - from) * (0.6 + 0.1 * spread);
    }

    /// <summary>The wait before retrying after the <paramref name="failures"/>-th failure in a row: 10 s doubling, at most an hour.</summary>
    public static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(3600, 10 * Math.Pow(2, Math.Max(0, failures - 1))));

    public static async Task<X509Certificate2> RenewAsync(IRegistryClient registry, string caPath, string certPath, string keyPath, CancellationToken cancel)
    {
        using var ca = PemFile.ReadCertificate(caPath, "CA certificate");
        using var current = PemFile.ReadCertificate(certPath, "certificate");
        using var key = PemFile.ReadPrivateKey(keyPath, "node key");
        var csr = new CertificateRequest(current.SubjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
        string pem;
        try
        {
            pem = await registry.RenewCertificateAsync(csr, cancel).ConfigureAwait(false);
        }
        catch (RegistryCallException e)
        {
            throw new RenewalException($"renewal refused or failed: {e.Message}", e);
        }
        X509Certificate2 renewed;
        try { renewed = X509Certificate2.CreateFromPem(pem); }
        catch (CryptographicException e) { throw new RenewalException($"the registry's renewed certificate does not parse: {e.Message}", e); }
        try
        {
            Check(renewed, current, ca, key);
            var temp = $"{certPath}.tmp-{Guid.NewGuid():N}";
            try
            {
                PemFile.WriteCertificate(temp, renewed);
                File.Move(temp, certPath, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return renewed;
        }
        catch
        {
            renewed.Dispose();
            throw;
        }
    }

    /// <summary>The registry is trusted only this far: the new certificate must be our CA's, for our prefix and our key, and not expire before the old one.</summary>
    static void Check(X509Certificate2 renewed, X509Certificate2 current, X509Certificate2 ca, RSA key)
    {
        if (!CertificateChecks.IsIssuedBy(renewed, ca))
            throw new RenewalException($"the renewed certificate was not issued by the network's CA ({ca.Subject}); kept the current one");
        var (oldCn, newCn) = (current.GetNameInfo(X509NameType.SimpleName, false), renewed.GetNameInfo(X509NameType.SimpleName, false));
        NodePrefix oldPrefix, newPrefix;
        try { (oldPrefix, newPrefix) = (NodePrefix.ParseCommonName(oldCn), NodePrefix.ParseCommonName(newCn)); }
        catch (AddressingException e) { throw new RenewalException($"the renewed certificate's CN '{newCn}' is not a node prefix", e); }
        if (oldPrefix != newPrefix)
            throw new RenewalException($"the renewed certificate is for prefix {newCn}, not ours ({oldCn}); kept the current one");
        if (!CertificateChecks.MatchesKey(renewed, key))
            throw new RenewalException("the renewed certificate is not for our key; kept the current one");
        if (renewed.NotAfter < current.NotAfter)
            throw new RenewalException($"the renewed certificate expires {renewed.NotAfter.ToUniversalTime():u}, earlier than the current one; kept the current one");
    }
}
