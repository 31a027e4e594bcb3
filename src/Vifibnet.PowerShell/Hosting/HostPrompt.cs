using System.Management.Automation;
using System.Management.Automation.Host;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell.Hosting;

/// <summary>Setup's questions asked through the PowerShell host, on the pipeline thread.</summary>
sealed class HostPrompt(PSHost host, VifibCmdlet cmdlet) : ISetupPrompt
{
    /// <summary>
    /// Whether anyone can answer: not in a job or remote session (ServerRemoteHost would block
    /// forever), not under pwsh -NonInteractive. Checked before setup writes anything.
    /// </summary>
    public static bool CanPrompt(PSHost host) =>
        host.Name != "ServerRemoteHost" && !Environment.GetCommandLineArgs().Skip(1).Any(IsNonInteractiveSwitch);

    static bool IsNonInteractiveSwitch(string arg)
    {
        var name = arg.TrimStart('-', '/').ToLowerInvariant();
        return arg.StartsWith('-') && name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.Ordinal);
    }

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
            return cmdlet.OnPipelineThread(question);
        }
        catch (Exception e) when (e is PSInvalidOperationException or HostException or NotImplementedException)
        {
            throw new SetupException(SetupErrorKind.TokenMissing, $"this PowerShell host cannot prompt ({e.Message}): give -Token", e);
        }
    }
}
