namespace Vifibnet.Node;

/// <summary>No node daemon answers on the control socket of a state directory.</summary>
public sealed class NodeNotRunningException(string stateDir, string socketPath, Exception? inner = null)
    : Exception($"no node is running with state directory '{stateDir}' (nothing answers on {socketPath})", inner)
{
    public string StateDir { get; } = stateDir;
}
