using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Protocol;

namespace Vifibnet.PowerShell;

/// <summary>Declares the node's address to the registry and refreshes its peer DB now, on a running or a stopped node.</summary>
/// <remarks>
/// <para>A running node does it through its control socket; for a stopped node the request is signed with the key in the state directory and the peer DB updated directly. The registry is the one in the peer DB's config (Start-VifibNode -Registry).</para>
/// </remarks>
/// <example><code>Update-VifibPeers -Path /var/lib/vifibnet</code><para>Refreshes the peer DB now instead of at the next -PeersDbRefresh.</para></example>
/// <example><code>Get-Job -Name VifibNode | Update-VifibPeers</code><para>Refreshes every node running in a job of this PowerShell.</para></example>
[Cmdlet(VerbsData.Update, "VifibPeers", SupportsShouldProcess = true)]
[OutputType(typeof(VifibPeersUpdate))]
public sealed class UpdateVifibPeersCommand : NodeCmdlet
{
    protected override void ProcessNode(string stateDirectory)
    {
        if (ShouldProcess(System.IO.Path.Combine(stateDirectory, "peers.db"), "Declare to the registry and refresh the peer DB"))
            WriteObject(VifibPeersUpdate.From(RunAndPump(_ => NodeControl.UpdatePeersAsync(stateDirectory, Log.Logger)), stateDirectory));
    }
}
