namespace Vifibnet.Addressing;

/// <summary>A prefix, serial number or address that cannot be read as one.</summary>
public sealed class AddressingException(string message, Exception? inner = null) : Exception(message, inner);
