using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Tests.Support;

/// <summary>A node's key and the CSRs it sends, built in code.</summary>
public sealed class NodeKeys : IDisposable
{
    public RSA Key { get; } = RSA.Create(2048);

    public string Csr(string subject = "CN=node,O=Example")
    {
        var request = new CertificateRequest(subject, Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSigningRequestPem();
    }

    public void Dispose() => Key.Dispose();
}
