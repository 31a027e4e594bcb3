namespace Vifibnet.Server;

/// <summary>The registry server cannot start (port taken, no permission to bind).</summary>
public sealed class RegistryListenException(string message, Exception? inner = null) : Exception(message, inner);
