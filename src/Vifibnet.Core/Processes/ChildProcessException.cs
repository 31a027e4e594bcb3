namespace Vifibnet.Processes;

/// <summary>The vifibnet program is not where it should be (beside the module or the test assembly).</summary>
public sealed class ChildProcessException(string message, Exception? inner = null) : Exception(message, inner);
