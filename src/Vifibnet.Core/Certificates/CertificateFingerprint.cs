using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Certificates;

/// <summary>A certificate's identity as people copy it: "sha256:" and the SHA-256 of its DER, in lower-case hex.</summary>
public static class CertificateFingerprint
{
    public const string Scheme = "sha256:";

    public static string Of(X509Certificate2 certificate) => Scheme + Convert.ToHexString(SHA256.HashData(certificate.RawData)).ToLowerInvariant();

    /// <summary>Reads "sha256:HEX" (64 hex digits, any case, colons between bytes allowed); throws <see cref="CertificateException"/>.</summary>
    public static string Parse(string text)
    {
        var hex = text.Trim();
        if (!hex.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            throw new CertificateException($"CA fingerprint '{text}' must start with '{Scheme}' (as new-registry and token print it)");
        hex = hex[Scheme.Length..].Replace(":", "");
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
            throw new CertificateException($"CA fingerprint '{text}' must be '{Scheme}' and 64 hexadecimal digits");
        return Scheme + hex.ToLowerInvariant();
    }
}
