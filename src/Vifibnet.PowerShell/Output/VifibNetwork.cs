using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>A network made by New-VifibRegistry. Pipes into New-VifibToken and Start-VifibRegistry (by property name).</summary>
public sealed class VifibNetwork
{
    /// <summary>The network's IPv6 prefix, e.g. 2001:db8:42::/48.</summary>
    public required string Network { get; init; }
    /// <summary>The CA certificate's serial, which carries the prefix (hex).</summary>
    public required string Serial { get; init; }
    /// <summary>The network's directory.</summary>
    public required string Path { get; init; }
    public required string CaPath { get; init; }
    public required string KeyPath { get; init; }
    public required string DatabasePath { get; init; }
    /// <summary>When the CA expires.</summary>
    public required DateTimeOffset NotAfter { get; init; }
    /// <summary>The CA's fingerprint (sha256:...), for Register-VifibNode -CaFingerprint.</summary>
    public required string CaFingerprint { get; init; }

    internal static VifibNetwork From(NewNetwork n, string directory) => new()
    {
        Network = n.Network.ToString(), Serial = n.Serial, Path = directory, CaPath = n.CaPath, KeyPath = n.KeyPath,
        DatabasePath = n.DbPath, NotAfter = n.NotAfter, CaFingerprint = n.CaFingerprint,
    };
}
