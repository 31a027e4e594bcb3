using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Setup;

/// <summary>The node's RSA key and the certificate the registry issued for it.</summary>
public sealed record KeyAndCertificate(RSA Key, X509Certificate2 Certificate) : IDisposable
{
    public void Dispose()
    {
        Key.Dispose();
        Certificate.Dispose();
    }
}
