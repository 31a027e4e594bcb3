using System.Management.Automation;
using Vifibnet.Node;
using Vifibnet.Tunnels;

namespace Vifibnet.PowerShell;

/// <summary>The running node's tunnels: peer prefix, interface, direction, remote, state, since, routes, bytes.</summary>
/// <remarks>
/// <para>Asks the node daemon through the control socket in its state directory; the node must be running (Start-VifibNode or `vifibnet node`). Several nodes' directories may be piped in; one that is not running is an error for that one only.</para>
/// </remarks>
/// <example><code>Get-VifibTunnel -Path /var/lib/vifibnet</code><para>Lists the tunnels of the node whose state is in /var/lib/vifibnet.</para></example>
/// <example><code>Get-VifibTunnel ./node1 | Where-Object State -eq up | Measure-Object</code><para>Counts the tunnels that are up.</para></example>
[Cmdlet(VerbsCommon.Get, "VifibTunnel")]
[OutputType(typeof(TunnelInfo))]
public sealed class GetVifibTunnelCommand : NodeCmdlet
{
    protected override void ProcessNode(string stateDirectory)
    {
        foreach (var tunnel in RunAndPump(_ => NodeControl.GetTunnelsAsync(stateDirectory))) WriteObject(tunnel);
    }
}
