using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;

namespace Vifibnet.Registry;

/// <summary>
/// A node whose signed request checked out: its prefix, read from its verified certificate, and the
/// certificate's public key, parsed once per certificate (re-reading it cost more than the RSA check
/// itself). The key is shared by concurrent requests: verifying and encrypting only read it.
/// </summary>
public sealed record AuthenticatedNode(NodePrefix Prefix, X509Certificate2 Certificate)
{
    public RSA PublicKey { get; } = Certificate.PublicKey.Oid.Value == "1.2.840.113549.1.1.1"
        ? Certificates.RsaPublicKeys.FromRsaPublicKey(Certificate.PublicKey.EncodedKeyValue.RawData)
        : throw new CryptographicException($"certificate '{Certificate.Subject}' carries no RSA key");
}
