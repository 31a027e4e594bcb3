using Vifibnet.Certificates;

namespace Vifibnet.Setup;

/// <summary>The files setup writes in a node's directory (the seed's names) and reading the node's identity back.</summary>
public sealed record NodeFiles(string Directory)
{
    public string Ca => Path.Combine(Directory, "ca.pem");
    public string PeersDb => Path.Combine(Directory, "peers.db");
    public string Key => Path.Combine(Directory, "cert.key");
    public string Cert => Path.Combine(Directory, "cert.crt");
    public string Dh => Path.Combine(Directory, "dh2048.pem");

    /// <summary>Network prefix, node prefix, overlay address and expiry, from ca.pem and cert.crt (also what the daemon reads).</summary>
    public NodeIdentity ReadIdentity() => NodeIdentity.FromFiles(Ca, Cert);
}
