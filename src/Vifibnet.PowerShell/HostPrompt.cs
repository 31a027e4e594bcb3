using System.Management.Automation.Host;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>Setup's questions asked through the PowerShell host, on the pipeline thread.</summary>
sealed class HostPrompt(PSHost host, PipelineDispatcher dispatcher) : ISetupPrompt
{
    public string? AskEmail() => dispatcher.Invoke(() =>
    {
        host.UI.Write("E-mail address to send the registration token to: ");
        return host.UI.ReadLine();
    });

    public string? AskToken(string email, string? problem) => dispatcher.Invoke(() =>
    {
        if (problem is not null) host.UI.WriteWarningLine($"token refused: {problem}");
        host.UI.Write($"Token (from the mail sent to {email}): ");
        return host.UI.ReadLine();
    });
}
