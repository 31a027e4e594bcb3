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
    /// <summary>Issued by this CA, but the registry has no record of it (deleted by the admin, or from a lost DB).</summary>
    CertificateUnknown,
    CertificateRevoked,
    SignatureInvalid,
    TimestampOutOfWindow,
    RequestReplayed,
    InvalidAddress,
    /// <summary>Too many token mails to one address or from one client: try later.</summary>
    RateLimited,
    NoPeers,
    NotFound,
    Internal,
}
