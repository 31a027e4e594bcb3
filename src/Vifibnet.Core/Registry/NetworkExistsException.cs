namespace Vifibnet.Registry;

/// <summary>New-VifibRegistry / new-registry found a network in the directory and was not told to replace it.</summary>
public sealed class NetworkExistsException(string message) : Exception(message);
