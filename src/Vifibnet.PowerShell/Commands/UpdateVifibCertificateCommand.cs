using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Protocol;

namespace Vifibnet.PowerShell;

/// <summary>Renews the node's certificate now: same prefix, no token, the request signed with the current certificate.</summary>
/// <remarks>
/// <para>A running node renews through its control socket and then restarts its tunnels one at a time; for a stopped node the certificate file is renewed directly, with the registry in the peer DB's config. Nodes renew by themselves two thirds into their certificate's life; see docs/lifecycle.md.</para>
/// </remarks>
/// <example><code>Update-VifibCertificate -Path /var/lib/vifibnet</code><para>Renews the certificate of the node in /var/lib/vifibnet.</para></example>
[Cmdlet(VerbsData.Update, "VifibCertificate", SupportsShouldProcess = true)]
[OutputType(typeof(RenewalResult))]
public sealed class UpdateVifibCertificateCommand : VifibCmdlet
{
    /// <summary>The node's state directory (default /var/lib/vifibnet).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = Configuration.NodeOptions.DefaultStateDir;

    /// <summary>The registry, for a node that never ran with -Registry (a running node uses its own).</summary>
    [Parameter]
    public Uri? Registry { get; set; }

    protected override void ProcessRecord()
    {
        var state = FileSystemPath(Path);
        if (!ShouldProcess(state, "Renew the node's certificate")) return;
        try
        {
            WriteObject(RunAndPump(cancel => NodeControl.RenewAsync(state, Log.Logger, cancel, Registry)));
        }
        catch (Exception e) when (e is RenewalException or RegistryCallException or NodeDaemonException or PeerDbException or CertificateException)
        {
            WriteFailure(e, state);
        }
    }
}
