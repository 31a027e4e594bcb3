using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Protocol;

namespace Vifibnet.Node;

/// <summary>
/// Makes the registry client a node talks through: HTTP to --registry, requests signed with the node's key;
/// an https:// registry must present the registry's certificate from the network's CA (the node's ca.pem).
/// </summary>
public static class NodeRegistry
{
    /// <summary>The client for the registry URL, or null when there is none (the node runs on its peer DB alone).</summary>
    public static HttpRegistryClient? Create(Uri? registry, string certPath, string keyPath, string? caPath = null)
    {
        if (registry is null) return null;
        var cert = PemFile.ReadCertificate(certPath, "certificate");
        var key = PemFile.ReadPrivateKey(keyPath, "node key");
        RegistryTls? tls = null;
        if (registry.Scheme == Uri.UriSchemeHttps)
            tls = new RegistryTls(PemFile.ReadCertificate(caPath ?? throw new ArgumentException("an https registry is checked against the network's CA: its path is needed"), "CA certificate"));
        return new HttpRegistryClient(registry, cert, key, tls: tls);
    }

    public static HttpRegistryClient? Create(NodeOptions o) => Create(o.Registry, o.CertPath, o.KeyPath, o.CaPath);
}
