using Vifibnet.Protocol;

namespace Vifibnet.Setup;

/// <summary>Turns registry client failures into setup errors: unreachable (with the URL), token refused, or other refusals.</summary>
static class RegistryCall
{
    public static async Task<T> Run<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RegistryCallException e)
        {
            throw Translate(e);
        }
    }

    public static async Task Run(Func<Task> call) => await Run(async () => { await call().ConfigureAwait(false); return true; }).ConfigureAwait(false);

    public static SetupException Translate(RegistryCallException e) => e switch
    {
        // A registry whose TLS certificate is not the pinned network's: the same refusal as a CA that is not the pinned one.
        { TlsRefused: true } => new SetupException(SetupErrorKind.CaFingerprintMismatch, e.Message, e),
        { Status: null, InnerException: HttpRequestException or TaskCanceledException } => new SetupException(SetupErrorKind.RegistryUnreachable, e.Message, e),
        { Code: RegistryErrorCode.TokenUnknown or RegistryErrorCode.TokenExpired or RegistryErrorCode.TokenSpent } => new SetupException(SetupErrorKind.TokenRejected, e.Message, e),
        _ => new SetupException(SetupErrorKind.RegistryRefused, e.Message, e),
    };
}
