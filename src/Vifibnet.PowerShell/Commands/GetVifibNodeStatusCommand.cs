using System.Management.Automation;
using Vifibnet.Node;

namespace Vifibnet.PowerShell;

/// <summary>The running node at a glance: identity, advertised address and its source, tunnels, UPnP, the registry's last word.</summary>
/// <remarks>
/// <para>Asks the node daemon through the control socket in its state directory, as `vifibnet status` does. The address source is --ip, upnp, learned (seen by our peers' servers) or none.</para>
/// </remarks>
/// <example><code>Get-VifibNodeStatus</code><para>The status of the node in /var/lib/vifibnet.</para></example>
/// <example><code>Register-VifibNode ::1 8000 -Path ./node1 -Token $t | Get-VifibNodeStatus</code><para>The status of the node just registered, once it runs.</para></example>
[Cmdlet(VerbsCommon.Get, "VifibNodeStatus")]
[OutputType(typeof(VifibNodeStatus))]
public sealed class GetVifibNodeStatusCommand : NodeCmdlet
{
    protected override void ProcessNode(string stateDirectory) =>
        WriteObject(VifibNodeStatus.From(RunAndPump(_ => NodeControl.GetStatusAsync(stateDirectory)), stateDirectory));
}
