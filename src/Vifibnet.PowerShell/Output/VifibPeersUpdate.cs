using Vifibnet.Node;

namespace Vifibnet.PowerShell;

/// <summary>What Update-VifibPeers did for one node.</summary>
public sealed class VifibPeersUpdate
{
    /// <summary>The address declared to the registry ("ip,port,proto;..."), null when none is known yet.</summary>
    public string? Declared { get; init; }
    public required int Received { get; init; }
    public required int Added { get; init; }
    public required int Total { get; init; }
    /// <summary>True when the DB was empty and the registry's bootstrap peer was added.</summary>
    public required bool Bootstrap { get; init; }
    public required string Path { get; init; }

    internal static VifibPeersUpdate From(PeersUpdateResult r, string directory) => new()
    {
        Declared = r.Declared, Received = r.Received, Added = r.Added, Total = r.Total, Bootstrap = r.Bootstrap, Path = directory,
    };
}
