namespace Vifibnet.Registry;

/// <summary>A request the registry refuses: a stable <see cref="Code"/> and a message saying what was wrong.</summary>
public sealed class RegistryError(RegistryErrorCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public RegistryErrorCode Code { get; } = code;

    /// <summary>The code as it travels on the wire, e.g. "token_spent".</summary>
    public string WireCode => Code.ToWire();
}
