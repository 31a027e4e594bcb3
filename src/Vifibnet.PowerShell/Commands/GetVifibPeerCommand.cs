using System.Management.Automation;
using Vifibnet.Node;
using Vifibnet.Peers;

namespace Vifibnet.PowerShell;

/// <summary>The node's peer DB: each peer's prefix, address, state, and where it came from (the registry, or a neighbour through peer exchange).</summary>
/// <remarks>
/// <para>Asks a running node through its control socket; for a stopped node, reads peers.db in the state directory. Source "exchange" means the address is the peer's own signed declaration, passed on by the neighbour in Via.</para>
/// </remarks>
/// <example><code>Get-VifibPeer -Path /var/lib/vifibnet | Where-Object Source -eq exchange</code><para>The peers learned from neighbours rather than from the registry.</para></example>
/// <example><code>Get-VifibPeer ./node1 | Group-Object State</code><para>How many peers are used, unused, flagged.</para></example>
[Cmdlet(VerbsCommon.Get, "VifibPeer")]
[OutputType(typeof(PeerListing))]
public sealed class GetVifibPeerCommand : NodeCmdlet
{
    protected override void ProcessNode(string stateDirectory)
    {
        foreach (var peer in RunAndPump(cancel => NodeControl.GetPeersAsync(stateDirectory, Log.Logger, cancel))) WriteObject(peer);
    }
}
