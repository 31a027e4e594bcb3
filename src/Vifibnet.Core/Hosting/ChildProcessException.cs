namespace Vifibnet.Hosting;

/// <summary>A child program (vifibnet registry, openvpn, babeld) cannot be started.</summary>
public sealed class ChildProcessException(string message, Exception? inner = null) : Exception(message, inner);
