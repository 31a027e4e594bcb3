using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;

namespace Vifibnet.Registry;

/// <summary>A node whose signed request checked out: its prefix, read from its verified certificate.</summary>
public sealed record AuthenticatedNode(NodePrefix Prefix, X509Certificate2 Certificate);
