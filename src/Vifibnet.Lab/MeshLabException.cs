namespace Vifibnet.Lab;

/// <summary>The lab could not build or run its mesh (a process that exited, a registry that never answered).</summary>
public sealed class MeshLabException(string message, Exception? inner = null) : Exception(message, inner);
