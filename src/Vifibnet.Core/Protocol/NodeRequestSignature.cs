using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Vifibnet.Protocol;

/// <summary>
/// How a node signs its requests (declare, peer list, private address, bootstrap): RSA PKCS#1 v1.5
/// SHA-256 with its certificate key over "vifibnet-v1\nMETHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nSHA256(BODY) hex",
/// sent with its certificate in four headers. The random nonce makes every signature unique, so the
/// registry can refuse one it has seen inside the timestamp window (replay). The registry checks the certificate against its CA,
/// the signature, and the timestamp window; the node's prefix comes only from the certificate.
/// </summary>
public static class NodeRequestSignature
{
    public const string CertificateHeader = "X-Vifibnet-Certificate";
    public const string TimestampHeader = "X-Vifibnet-Timestamp";
    public const string SignatureHeader = "X-Vifibnet-Signature";
    public const string NonceHeader = "X-Vifibnet-Nonce";

    public static byte[] Canonical(string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"vifibnet-v1\n{method.ToUpperInvariant()}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant()}"));

    /// <summary>The four header values for a request.</summary>
    public static (string Certificate, string Timestamp, string Nonce, string Signature) Sign(
        X509Certificate2 certificate, RSA key, string method, string pathAndQuery, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds();
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var signature = key.SignData(Canonical(method, pathAndQuery, timestamp, nonce, body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return (Convert.ToBase64String(certificate.RawData), timestamp.ToString(CultureInfo.InvariantCulture), nonce, Convert.ToBase64String(signature));
    }
}
