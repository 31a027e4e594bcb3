using System.Management.Automation;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Revokes a node: the registry refuses its requests, and every node drops its tunnels at its next peer refresh.</summary>
/// <remarks>
/// <para>Revokes every unexpired certificate of the node (its current one and any it renewed from) in the registry DB; the running registry serves the new CRL at once. The node's prefix is not handed out again before those certificates would have expired. See docs/lifecycle.md.</para>
/// </remarks>
/// <example><code>Revoke-VifibNode -DatabasePath ./net/registry.db -Node 1/16</code><para>Revokes node 1/16 (asks for confirmation).</para></example>
/// <example><code>Revoke-VifibNode ./net/registry.db 0000000000000001 -Confirm:$false</code><para>The same, by binary prefix, without asking.</para></example>
[Cmdlet(VerbsSecurity.Revoke, "VifibNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RevocationResult))]
public sealed class RevokeVifibNodeCommand : VifibCmdlet
{
    /// <summary>The registry DB (registry.db).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DatabasePath { get; set; } = "";

    /// <summary>The node: its prefix, binary or as its CN (1/16), or the serial (hex) of one of its certificates.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Prefix", "Serial")]
    [ValidateNotNullOrEmpty]
    public string Node { get; set; } = "";

    protected override void ProcessRecord()
    {
        var db = FileSystemPath(DatabasePath);
        if (!ShouldProcess($"node {Node} in {db}", "Revoke every certificate of the node")) return;
        try
        {
            WriteObject(AdminRevocation.Revoke(db, Node));
        }
        catch (Exception e) when (e is RevocationException or RegistryDbUnavailableException)
        {
            WriteFailure(e, Node);
        }
    }
}
