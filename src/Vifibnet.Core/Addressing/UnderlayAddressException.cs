namespace Vifibnet.Addressing;

/// <summary>An address that cannot be a node's underlay address (see <see cref="UnderlayAddress"/>); <see cref="Refusal"/> says why.</summary>
public sealed class UnderlayAddressException(UnderlayRefusal refusal, string message) : Exception(message)
{
    public UnderlayRefusal Refusal { get; } = refusal;
}
