namespace Vifibnet.Node;

/// <summary>The node cannot start or a request to it failed: <see cref="Kind"/> says why, the message says what and where.</summary>
public sealed class NodeDaemonException(NodeErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public NodeErrorKind Kind { get; } = kind;
}
