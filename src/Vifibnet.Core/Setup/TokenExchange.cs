using Vifibnet.Logging;
using Vifibnet.Protocol;

namespace Vifibnet.Setup;

/// <summary>
/// Gets a token and spends it: --token as given (a refusal is final), or interactively: the e-mail
/// (unless given), the token mail, then the token, asked again when the registry refuses it.
/// </summary>
static class TokenExchange
{
    public static async Task<string> RequestCertificateAsync(HttpRegistryClient client, string csr, SetupOptions options,
        ISetupPrompt? prompt, Logger log, CancellationToken cancel)
    {
        var email = options.Email ?? "";
        var token = options.Token;
        if (token is null)
        {
            if (prompt is null)
            {
                if (options.Email is null)
                    throw new SetupException(SetupErrorKind.TokenMissing,
                        "a registration token is needed and there is no one to ask: give --token (-Token), e.g. from 'vifibnet token' on the registry");
                // Scripted two-step registration: mail the token now, run again with it.
                await RegistryCall.Run(() => client.RequestTokenAsync(options.Email, cancel)).ConfigureAwait(false);
                throw new SetupException(SetupErrorKind.TokenMissing,
                    $"a token was mailed to {options.Email}; there is no one to ask for it here: run setup again with --token (-Token) TOKEN");
            }
            if (options.Email is null)
                email = Answer(prompt.AskEmail(), "e-mail address");
            await RegistryCall.Run(() => client.RequestTokenAsync(email, cancel)).ConfigureAwait(false);
            log.Info($"the registry mailed a token to {email}");
            token = Answer(prompt.AskToken(email, null), "token", $"; the registry mailed one to {email}: run setup again with --token (-Token) TOKEN");
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RegistryCall.Run(() => client.RequestCertificateAsync(token.Trim(), csr, cancel)).ConfigureAwait(false);
            }
            catch (SetupException e) when (e.Kind == SetupErrorKind.TokenRejected && options.Token is null && prompt is not null && attempt < options.TokenAttempts)
            {
                log.Debug(e.Message); // the question itself shows the reason: not twice on the terminal
                token = Answer(prompt.AskToken(email, e.Message), "token");
            }
        }
    }

    static string Answer(string? answer, string what, string? hint = null) =>
        string.IsNullOrWhiteSpace(answer)
            ? throw new SetupException(SetupErrorKind.Cancelled, $"setup cancelled: no {what} given{hint ?? " (to run without questions, give --token / -Token)"}")
            : answer.Trim();
}
