using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Protocol;

namespace Vifibnet.PowerShell;

/// <summary>
/// The base of the cmdlets that act on one node through its state directory (Get-VifibTunnel,
/// Get-VifibNodeStatus, Get-VifibPeer, Update-VifibPeers, Update-VifibCertificate): one -Path, bound
/// from the pipeline (a path, Register-VifibNode's output, a node job), and one rule for a node that
/// does not answer or a registry that refuses: an error for that node only, the next piped node goes on.
/// </summary>
public abstract class NodeCmdlet : VifibCmdlet
{
    /// <summary>The node's state directory (default /var/lib/vifibnet).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = Configuration.NodeOptions.DefaultStateDir;

    /// <summary>The cmdlet's work for the node in <paramref name="stateDirectory"/> (a full file-system path).</summary>
    protected abstract void ProcessNode(string stateDirectory);

    protected override void ProcessRecord()
    {
        var state = FileSystemPath(Path);
        try
        {
            ProcessNode(state);
        }
        catch (Exception e) when (e is NodeNotRunningException or NodeDaemonException or PeerDbException or RegistryCallException
            or RenewalException or CertificateException)
        {
            WriteFailure(e, state);
        }
    }
}
