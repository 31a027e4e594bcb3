namespace Vifibnet.Protocol;

/// <summary>
/// A registry call that failed, seen from the client: unreachable, refused with a protocol error
/// code (<see cref="Code"/>), or an answer that makes no sense. The registry's own refusal, on the
/// server side, is RequestRefusedException.
/// </summary>
public sealed class RegistryCallException(string message, RegistryErrorCode? code = null, int? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The protocol's error code (docs/protocol.md) when the registry answered with one this client knows.</summary>
    public RegistryErrorCode? Code { get; } = code;

    /// <summary>The HTTP status, when the registry answered at all.</summary>
    public int? Status { get; } = status;

    /// <summary>An https:// registry whose server certificate is not the network registry's: nothing was sent to it.</summary>
    public bool TlsRefused { get; init; }
}
