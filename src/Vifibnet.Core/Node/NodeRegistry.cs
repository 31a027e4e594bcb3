using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Protocol;

namespace Vifibnet.Node;

/// <summary>Makes the registry client a node talks through: HTTP to --registry, requests signed with the node's key.</summary>
public static class NodeRegistry
{
    /// <summary>The client for the registry URL, or null when there is none (the node runs on its peer DB alone).</summary>
    public static HttpRegistryClient? Create(Uri? registry, string certPath, string keyPath)
    {
        if (registry is null) return null;
        var cert = PemFile.ReadCertificate(certPath, "certificate");
        var key = PemFile.ReadPrivateKey(keyPath, "node key");
        return new HttpRegistryClient(registry, cert, key);
    }

    public static HttpRegistryClient? Create(NodeOptions o) => Create(o.Registry, o.CertPath, o.KeyPath);
}
