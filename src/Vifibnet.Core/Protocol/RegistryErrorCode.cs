namespace Vifibnet.Protocol;

/// <summary>
/// Why the registry refused a request. Each has a stable wire code (docs/protocol.md) that clients
/// and cmdlets key on; <see cref="RegistryErrorCodes.ToWire"/> gives it and
/// <see cref="RegistryErrorCodes.FromWire"/> reads it back, so a client sees the registry's refusal typed.
/// </summary>
public enum RegistryErrorCode
{
    BadRequest,
    PayloadTooLarge,
    InvalidEmail,
    InvalidCsr,
    TokenUnknown,
    TokenExpired,
    TokenSpent,
    PrefixExhausted,
    MailNotConfigured,
    MailFailed,
    AuthenticationMissing,
    CertificateUntrusted,
    CertificateExpired,
    SignatureInvalid,
    TimestampOutOfWindow,
    RequestReplayed,
    InvalidAddress,
    NoPeers,
    NotFound,
    Internal,
}
