namespace Vifibnet.Server;

/// <summary>The registry server cannot start (port taken, no permission to bind).</summary>
public sealed class RegistryServerException(string message, Exception? inner = null) : Exception(message, inner);
