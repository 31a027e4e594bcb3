using System.Net;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;

namespace Vifibnet.Certificates;

/// <summary>Who a node is on its network, read from its CA and certificate files.</summary>
public sealed record NodeIdentity(NetworkPrefix Network, NodePrefix Prefix, DateTimeOffset NotAfter)
{
    /// <summary>The node's subnet (network prefix + node prefix).</summary>
    public NetworkPrefix Subnet => OverlayAddress.Subnet(Network, Prefix);

    /// <summary>The node's own overlay address (subnet, host part ::1).</summary>
    public IPAddress Address => OverlayAddress.For(Network, Prefix);

    /// <summary>Reads the identity from ca.pem and cert.crt, checking the certificate was issued by that CA.</summary>
    public static NodeIdentity FromFiles(string caPath, string certPath)
    {
        using var ca = PemFile.ReadCertificate(caPath, "CA certificate");
        using var cert = PemFile.ReadCertificate(certPath, "certificate");
        return From(ca, cert, certPath);
    }

    public static NodeIdentity From(X509Certificate2 ca, X509Certificate2 cert, string certName = "certificate")
    {
        if (!CertificateChecks.IsIssuedBy(cert, ca))
            throw new CertificateException($"{certName} was not issued by this network's CA ({ca.Subject})");
        var cn = cert.GetNameInfo(X509NameType.SimpleName, false);
        NodePrefix prefix;
        try
        {
            prefix = NodePrefix.ParseCommonName(cn);
        }
        catch (AddressingException e)
        {
            throw new CertificateException($"{certName}'s subject CN '{cn}' is not a node prefix: {e.Message}", e);
        }
        return new NodeIdentity(CertificateAuthority.NetworkPrefixOf(ca), prefix, new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero));
    }
}
