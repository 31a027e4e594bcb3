using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Protocol;

namespace Vifibnet.Node;

/// <summary>Makes the registry client a node talks through: signed with the node's key, from --registry.</summary>
public static class NodeRegistry
{
    /// <summary>The client for --registry, or null when the node runs on its peer DB alone.</summary>
    public static IRegistryClient? Create(Uri? registry, string caPath, string certPath, string keyPath, Logger log)
    {
        if (registry is null) return null;
        // The HTTP client is written on the registry branch; until it is merged the node runs on its peer DB.
        log.Warning($"this build has no HTTP registry client yet: not contacting {registry}; running on the peer DB");
        return null;
    }

    public static IRegistryClient? Create(NodeOptions o, Logger log) => Create(o.Registry, o.CaPath, o.CertPath, o.KeyPath, log);
}
