using System.Net;
using Vifibnet.Addressing;

namespace Vifibnet.Setup;

/// <summary>How far setup went.</summary>
public enum SetupStage { CaOnly, DbOnly, Complete }

/// <summary>What Register-VifibNode / `vifibnet setup` did: the registration, the files, and each step taken.</summary>
public sealed record SetupResult
{
    public required SetupStage Stage { get; init; }
    public required Uri Registry { get; init; }
    public required NetworkPrefix Network { get; init; }
    public NodePrefix? Prefix { get; init; }
    public NetworkPrefix? Subnet { get; init; }
    public IPAddress? NodeAddress { get; init; }
    public DateTimeOffset? CertificateExpires { get; init; }
    public required string Directory { get; init; }
    public required string CaPath { get; init; }
    public string? PeersDbPath { get; init; }
    public string? KeyPath { get; init; }
    public string? CertPath { get; init; }
    public string? DhPath { get; init; }

    /// <summary>Each step in order, e.g. "ca.pem: downloaded", "cert.key: kept (valid RSA 2048 key)".</summary>
    public required IReadOnlyList<string> Actions { get; init; }
}
