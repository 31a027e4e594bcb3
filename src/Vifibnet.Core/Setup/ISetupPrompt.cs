namespace Vifibnet.Setup;

/// <summary>
/// The questions setup may ask. The CLI reads the terminal; Register-VifibNode prompts through the
/// PowerShell host. Returning null or an empty answer cancels the setup.
/// </summary>
public interface ISetupPrompt
{
    /// <summary>The e-mail address the registry should send the token to.</summary>
    string? AskEmail();

    /// <summary>The token that arrived by mail; <paramref name="problem"/> says why the previous one was refused, if it was.</summary>
    string? AskToken(string email, string? problem);
}
