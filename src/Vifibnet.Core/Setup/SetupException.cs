namespace Vifibnet.Setup;

/// <summary>Setup could not finish: <see cref="Kind"/> says why, the message says what and where.</summary>
public sealed class SetupException(SetupErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public SetupErrorKind Kind { get; } = kind;
}
