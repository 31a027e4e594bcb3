using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Protocol;

namespace Vifibnet.PowerShell;

/// <summary>Declares the node's address to the registry and refreshes its peer DB now, on a running or a stopped node.</summary>
[Cmdlet(VerbsData.Update, "VifibPeers", SupportsShouldProcess = true)]
[OutputType(typeof(PeersUpdateResult))]
public sealed class UpdateVifibPeersCommand : PSCmdlet
{
    /// <summary>The node's state directory (default /var/lib/vifibnet).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string State { get; set; } = Configuration.NodeOptions.DefaultStateDir;

    protected override void ProcessRecord()
    {
        var state = GetUnresolvedProviderPathFromPSPath(State);
        if (!ShouldProcess(System.IO.Path.Combine(state, "peers.db"), "Declare to the registry and refresh the peer DB")) return;
        var log = new PipelineLog();
        try
        {
            var result = NodeControl.UpdatePeersAsync(state, log.Logger).GetAwaiter().GetResult();
            log.Drain(this);
            WriteObject(result);
        }
        catch (Exception e) when (e is RegistryCallException or NodeDaemonException or PeerDbException or CertificateException)
        {
            log.Drain(this);
            var (id, category) = e switch
            {
                RegistryCallException => ("UpdateVifibPeersRegistryFailed", ErrorCategory.ConnectionError),
                PeerDbException => ("UpdateVifibPeersPeerDbFailed", ErrorCategory.WriteError),
                CertificateException => ("UpdateVifibPeersCertificateInvalid", ErrorCategory.SecurityError),
                _ => ("UpdateVifibPeersFailed", ErrorCategory.InvalidOperation),
            };
            ThrowTerminatingError(ErrorRecords.For(e, id, category, state));
        }
    }
}
