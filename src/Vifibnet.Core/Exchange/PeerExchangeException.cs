namespace Vifibnet.Exchange;

/// <summary>A peer-exchange request refused, an answer unreadable, or a declaration that does not check out; the message says which.</summary>
public sealed class PeerExchangeException(string message, Exception? inner = null) : Exception(message, inner);
