namespace Vifibnet.Node;

/// <summary>The node cannot start or a request to it failed; the message says what and where.</summary>
public sealed class NodeDaemonException(string message, Exception? inner = null) : Exception(message, inner);
