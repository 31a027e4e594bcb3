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
public sealed class UpdateVifibCertificateCommand : NodeCmdlet
{
    /// <summary>The registry, for a node that never ran with -Registry (a running node uses its own).</summary>
    [Parameter]
    public Uri? Registry { get; set; }

    protected override void ProcessNode(string stateDirectory)
    {
        if (ShouldProcess(stateDirectory, "Renew the node's certificate"))
            WriteObject(RunAndPump(cancel => NodeControl.RenewAsync(stateDirectory, Log.Logger, cancel, Registry)));
    }
}
