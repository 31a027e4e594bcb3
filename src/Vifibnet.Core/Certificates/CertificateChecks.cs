using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Certificates;

/// <summary>Checks on certificates that need no chain engine: who signed it, is it in date, whose key is it.</summary>
public static class CertificateChecks
{
    /// <summary>True when the CA's key verifies the certificate's signature.</summary>
    public static bool IsIssuedBy(X509Certificate2 cert, X509Certificate2 ca)
    {
        if (cert.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData) is false)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Validity is checked on its own (IsCurrent) so callers can say which problem it is.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreWrongUsage;
        chain.ChainPolicy.VerificationTime = cert.NotBefore.AddSeconds(1);
        return chain.Build(cert) && chain.ChainElements.Count == 2;
    }

    public static bool IsCurrent(X509Certificate2 cert, DateTimeOffset now) =>
        now >= cert.NotBefore.ToUniversalTime() && now <= cert.NotAfter.ToUniversalTime();

    /// <summary>True when the certificate's public key is the given private key's.</summary>
    public static bool MatchesKey(X509Certificate2 cert, RSA key)
    {
        using var pub = cert.GetRSAPublicKey();
        return pub is not null && pub.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());
    }
}
