using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>
/// What Register-VifibNode did: the node's identity and files. Pipes into Start-VifibNode,
/// Get-VifibNodeStatus, Get-VifibTunnel, Update-VifibPeers and Get-VifibNodeIdentity (-Path).
/// </summary>
public sealed class VifibRegistration
{
    /// <summary>CaOnly, DbOnly or Complete.</summary>
    public required string Stage { get; init; }
    public required string Registry { get; init; }
    public required string Network { get; init; }
    /// <summary>The node prefix in binary (null when setup stopped before the certificate).</summary>
    public string? Prefix { get; init; }
    public string? Subnet { get; init; }
    public string? OverlayAddress { get; init; }
    public DateTimeOffset? CertificateExpires { get; init; }
    /// <summary>The node's directory (the daemon's state directory).</summary>
    public required string Path { get; init; }
    public required string CaPath { get; init; }
    public string? KeyPath { get; init; }
    public string? CertificatePath { get; init; }
    public string? PeersDbPath { get; init; }
    public string? DhPath { get; init; }
    /// <summary>Each step in order, e.g. "ca.pem: downloaded".</summary>
    public required string[] Actions { get; init; }

    internal static VifibRegistration From(SetupResult r) => new()
    {
        Stage = r.Stage.ToString(), Registry = r.Registry.ToString(), Network = r.Network.ToString(), Prefix = r.Prefix?.ToBinary(),
        Subnet = r.Subnet?.ToString(), OverlayAddress = r.NodeAddress?.ToString(), CertificateExpires = r.CertificateExpires,
        Path = r.Directory, CaPath = r.CaPath, KeyPath = r.KeyPath, CertificatePath = r.CertPath, PeersDbPath = r.PeersDbPath,
        DhPath = r.DhPath, Actions = [.. r.Actions],
    };
}
