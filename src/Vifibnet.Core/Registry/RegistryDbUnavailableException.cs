namespace Vifibnet.Registry;

/// <summary>The registry DB cannot be opened or created (path, permissions, not a SQLite file).</summary>
public sealed class RegistryDbUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
