using System.Management.Automation;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Shows the network configuration the registry signs and every node applies (hello, tunnels, minimum version, babel keys).</summary>
/// <remarks>
/// <para>Reads the registry DB. A setting that is empty is left to each node's own options. Babel keys are listed by name and the moment every node starts using them; their values never leave the DB and the nodes. See docs/lifecycle.md.</para>
/// </remarks>
/// <example><code>Get-VifibNetworkConfig -DatabasePath ./net/registry.db</code><para>The current configuration.</para></example>
[Cmdlet(VerbsCommon.Get, "VifibNetworkConfig")]
[OutputType(typeof(NetworkConfigSummary))]
public sealed class GetVifibNetworkConfigCommand : VifibCmdlet
{
    /// <summary>The registry DB (registry.db).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DatabasePath { get; set; } = "";

    protected override void ProcessRecord()
    {
        var db = FileSystemPath(DatabasePath);
        try
        {
            WriteObject(NetworkConfigSummary.Of(db, AdminNetworkConfig.Get(db)));
        }
        catch (Exception e) when (e is RegistryDbUnavailableException or Vifibnet.Certificates.CertificateException)
        {
            WriteFailure(e, db);
        }
    }
}
