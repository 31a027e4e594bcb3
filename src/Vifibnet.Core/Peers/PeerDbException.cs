namespace Vifibnet.Peers;

/// <summary>A peer DB that cannot be opened, created or written (the message names the file).</summary>
public sealed class PeerDbException(string message, Exception? inner = null) : Exception(message, inner);
