using System.Management.Automation;
using System.Management.Automation.Host;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>Setup's questions asked through the PowerShell host, on the pipeline thread.</summary>
sealed class HostPrompt(PSHost host, PipelineDispatcher dispatcher) : ISetupPrompt
{
    public string? AskEmail() => Ask(() =>
    {
        host.UI.Write("E-mail address to send the registration token to: ");
        return host.UI.ReadLine();
    });

    public string? AskToken(string email, string? problem) => Ask(() =>
    {
        if (problem is not null) host.UI.WriteWarningLine($"token refused: {problem}");
        host.UI.Write($"Token (from the mail sent to {email}): ");
        return host.UI.ReadLine();
    });

    string? Ask(Func<string?> question)
    {
        try
        {
            return dispatcher.Invoke(question);
        }
        catch (Exception e) when (e is PSInvalidOperationException or HostException or NotImplementedException)
        {
            // A non-interactive host (pwsh -NonInteractive, a job) cannot ask.
            throw new SetupException(SetupErrorKind.TokenMissing, $"this PowerShell host cannot prompt ({e.Message}): give -Token", e);
        }
    }
}
