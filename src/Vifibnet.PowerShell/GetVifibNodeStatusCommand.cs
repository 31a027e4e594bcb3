using System.Management.Automation;
using Vifibnet.Node;

namespace Vifibnet.PowerShell;

/// <summary>
/// The running node at a glance: state, network, prefix, overlay address, advertised address and its
/// source (--ip, UPnP, learned), external IP, tunnel counts, UPnP mappings, last registry contact and error.
/// </summary>
[Cmdlet(VerbsCommon.Get, "VifibNodeStatus")]
[OutputType(typeof(NodeStatus))]
public sealed class GetVifibNodeStatusCommand : PSCmdlet
{
    /// <summary>The node's state directory (default /var/lib/vifibnet).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string State { get; set; } = Configuration.NodeOptions.DefaultStateDir;

    protected override void ProcessRecord()
    {
        var state = GetUnresolvedProviderPathFromPSPath(State);
        try
        {
            WriteObject(NodeControl.GetStatusAsync(state).GetAwaiter().GetResult());
        }
        catch (NodeNotRunningException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "GetVifibNodeStatusNodeNotRunning", ErrorCategory.ObjectNotFound, state));
        }
        catch (NodeDaemonException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "GetVifibNodeStatusRequestFailed", ErrorCategory.InvalidResult, state));
        }
    }
}
