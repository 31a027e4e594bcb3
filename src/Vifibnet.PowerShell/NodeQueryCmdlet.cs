using System.Management.Automation;
using Vifibnet.Node;

namespace Vifibnet.PowerShell;

/// <summary>
/// The base of the cmdlets that ask a node through its state directory (Get-VifibTunnel,
/// Get-VifibNodeStatus): one -Path, bound from the pipeline (a path, Register-VifibNode's output, a
/// node job), and one rule for a node that does not answer: an error for that node only.
/// </summary>
public abstract class NodeQueryCmdlet : VifibCmdlet
{
    /// <summary>The node's state directory (default /var/lib/vifibnet).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = Configuration.NodeOptions.DefaultStateDir;

    /// <summary>Asks the node in <see cref="Path"/>; what it answers goes to the pipeline.</summary>
    protected abstract Task<IEnumerable<object>> AskAsync(string stateDirectory);

    protected override void ProcessRecord()
    {
        var state = FileSystemPath(Path);
        try
        {
            foreach (var answer in RunAndPump(_ => AskAsync(state))) WriteObject(answer);
        }
        catch (Exception e) when (e is NodeNotRunningException or NodeDaemonException)
        {
            WriteFailure(e, state);
        }
    }
}
