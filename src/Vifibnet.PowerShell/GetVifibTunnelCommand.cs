using System.Management.Automation;
using Vifibnet.Node;
using Vifibnet.Tunnels;

namespace Vifibnet.PowerShell;

/// <summary>The running node's tunnels: peer prefix, interface, direction, remote, state, since, routes, rx/tx bytes.</summary>
[Cmdlet(VerbsCommon.Get, "VifibTunnel")]
[OutputType(typeof(TunnelInfo))]
public sealed class GetVifibTunnelCommand : PSCmdlet
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
            foreach (var tunnel in NodeControl.GetTunnelsAsync(state).GetAwaiter().GetResult())
                WriteObject(tunnel);
        }
        catch (NodeNotRunningException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "GetVifibTunnelNodeNotRunning", ErrorCategory.ObjectNotFound, state));
        }
        catch (NodeDaemonException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "GetVifibTunnelRequestFailed", ErrorCategory.InvalidResult, state));
        }
    }
}
