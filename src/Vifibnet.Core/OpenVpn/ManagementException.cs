namespace Vifibnet.OpenVpn;

/// <summary>openvpn's management interface could not be reached or refused a command.</summary>
public sealed class ManagementException(string message, Exception? inner = null) : Exception(message, inner);
