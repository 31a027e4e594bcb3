namespace Vifibnet.Node;

/// <summary>Where a node daemon is in its life.</summary>
public enum NodeState
{
    Stopped,
    Starting,
    Running,
    Stopping,
    /// <summary>Start-up failed (bad certificate, missing program ...); <see cref="NodeDaemon.Failure"/> says why.</summary>
    Failed,
}
