using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>
/// Checks a node request signed per <see cref="NodeRequestSignature"/>: the certificate was issued by
/// this CA and is current, the signature is good, the timestamp is inside the window, and the same
/// signature was not seen before (replay, remembered for the window only: <see cref="ReplayWindow"/>).
/// Certificates already verified are cached with their parsed key, so a request costs one RSA verify.
/// </summary>
public sealed class NodeAuthenticator(X509Certificate2 ca, TimeSpan window, TimeProvider clock)
{
    readonly ConcurrentDictionary<string, AuthenticatedNode> verified = new();
    readonly ReplayWindow seen = new((long)window.TotalSeconds);

    public AuthenticatedNode Authenticate(string method, string pathAndQuery, string? certificate, string? timestamp, string? nonce, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(certificate) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(signature))
            throw new RequestRefusedException(RegistryErrorCode.AuthenticationMissing,
                $"this request must be signed by a node: headers {NodeRequestSignature.CertificateHeader}, {NodeRequestSignature.TimestampHeader}, {NodeRequestSignature.NonceHeader} and {NodeRequestSignature.SignatureHeader} are required");
        var now = clock.GetUtcNow();
        var node = VerifyCertificate(certificate, now);

        if (!long.TryParse(timestamp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts))
            throw new RequestRefusedException(RegistryErrorCode.BadRequest, $"{NodeRequestSignature.TimestampHeader} '{timestamp}' is not a Unix time in seconds");
        // Compared, not subtracted: now - long.MinValue overflows.
        var (current, allowed) = (now.ToUnixTimeSeconds(), (long)window.TotalSeconds);
        if (ts < current - allowed || ts > current + allowed)
            throw new RequestRefusedException(RegistryErrorCode.TimestampOutOfWindow,
                $"request timestamp {ts} is more than {allowed} s away from the registry's clock ({current}): check the node's clock");

        if (nonce.Length > 64)
            throw new RequestRefusedException(RegistryErrorCode.BadRequest, $"{NodeRequestSignature.NonceHeader} is longer than 64 characters");
        byte[] signatureBytes;
        try { signatureBytes = Convert.FromBase64String(signature); }
        catch (FormatException e) { throw new RequestRefusedException(RegistryErrorCode.SignatureInvalid, $"{NodeRequestSignature.SignatureHeader} is not base64", e); }
        var canonical = NodeRequestSignature.Canonical(method, pathAndQuery, ts, nonce, body);
        if (!node.PublicKey.VerifyData(canonical, signatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            throw new RequestRefusedException(RegistryErrorCode.SignatureInvalid,
                $"the request signature does not verify with the key of certificate {node.Prefix.ToCommonName()} (method, path, timestamp, nonce and body must be signed as sent)");

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(signatureBytes, hash);
        if (!seen.TryRecord(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash), ts, current))
            throw new RequestRefusedException(RegistryErrorCode.RequestReplayed, "this signed request was already received once: sign each request afresh");
        return node;
    }

    AuthenticatedNode VerifyCertificate(string base64, DateTimeOffset now)
    {
        if (verified.TryGetValue(base64, out var cached))
        {
            if (!CertificateChecks.IsCurrent(cached.Certificate, now))
                throw Expired(cached.Certificate);
            return cached;
        }
        X509Certificate2 cert;
        try
        {
            cert = CertificateReader.FromBase64Der(base64);
        }
        catch (CertificateException e)
        {
            throw new RequestRefusedException(RegistryErrorCode.CertificateUntrusted, $"{NodeRequestSignature.CertificateHeader} is not a base64 DER certificate: {e.Message}", e);
        }
        if (!CertificateChecks.IsIssuedBy(cert, ca))
            throw new RequestRefusedException(RegistryErrorCode.CertificateUntrusted, $"certificate '{cert.Subject}' was not issued by this registry's CA ({ca.Subject})");
        if (!CertificateChecks.IsCurrent(cert, now))
            throw Expired(cert);
        NodePrefix prefix;
        try { prefix = NodePrefix.ParseCommonName(cert.GetNameInfo(X509NameType.SimpleName, false)); }
        catch (AddressingException e) { throw new RequestRefusedException(RegistryErrorCode.CertificateUntrusted, $"certificate CN is not a node prefix: {e.Message}", e); }
        AuthenticatedNode node;
        try { node = new AuthenticatedNode(prefix, cert); }
        catch (CryptographicException e) { throw new RequestRefusedException(RegistryErrorCode.CertificateUntrusted, $"certificate '{cert.Subject}' carries no usable RSA key: {e.Message}", e); }
        if (verified.Count > 100_000) verified.Clear();
        verified[base64] = node;
        return node;
    }

    static RequestRefusedException Expired(X509Certificate2 cert) =>
        new(RegistryErrorCode.CertificateExpired,
            $"certificate '{cert.Subject}' is valid only from {cert.NotBefore.ToUniversalTime():u} to {cert.NotAfter.ToUniversalTime():u}: register again for a new one");
}
