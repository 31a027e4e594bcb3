using Vifibnet.Protocol;
using Vifibnet.Registry;

namespace Vifibnet.Server;

/// <summary>The HTTP status each registry error is answered with (docs/protocol.md lists them).</summary>
static class ErrorStatus
{
    public static int For(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.BadRequest or RegistryErrorCode.InvalidEmail or RegistryErrorCode.InvalidCsr
            or RegistryErrorCode.InvalidAddress => 400,
        RegistryErrorCode.AuthenticationMissing or RegistryErrorCode.SignatureInvalid
            or RegistryErrorCode.TimestampOutOfWindow or RegistryErrorCode.RequestReplayed => 401,
        RegistryErrorCode.TokenUnknown or RegistryErrorCode.TokenExpired or RegistryErrorCode.TokenSpent
            or RegistryErrorCode.CertificateUntrusted or RegistryErrorCode.CertificateExpired
            or RegistryErrorCode.CertificateUnknown or RegistryErrorCode.CertificateRevoked => 403,
        RegistryErrorCode.NoPeers or RegistryErrorCode.NotFound => 404,
        RegistryErrorCode.PayloadTooLarge => 413,
        RegistryErrorCode.RateLimited => 429,
        RegistryErrorCode.MailFailed => 502,
        RegistryErrorCode.PrefixExhausted or RegistryErrorCode.MailNotConfigured => 503,
        _ => 500,
    };
}
