using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>
/// A request the registry refuses (server side): a stable <see cref="Code"/> and a message saying what
/// was wrong. The server sends the code on the wire; the client sees it as RegistryCallException.Code.
/// </summary>
public sealed class RequestRefusedException(RegistryErrorCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public RegistryErrorCode Code { get; } = code;

    /// <summary>The code as it travels on the wire, e.g. "token_spent".</summary>
    public string WireCode => Code.ToWire();
}
