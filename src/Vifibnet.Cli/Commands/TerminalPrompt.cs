using Vifibnet.Setup;

namespace Vifibnet.Cli.Commands;

/// <summary>Setup's questions on the terminal: asked on stderr (stdout stays for results), answered on stdin.</summary>
public sealed class TerminalPrompt(TextReader input, TextWriter output) : ISetupPrompt
{
    public string? AskEmail()
    {
        output.Write("E-mail address to send the registration token to: ");
        output.Flush();
        return input.ReadLine();
    }

    public string? AskToken(string email, string? problem)
    {
        if (problem is not null) output.WriteLine($"token refused: {problem}");
        output.Write($"Token (from the mail sent to {email}): ");
        output.Flush();
        return input.ReadLine();
    }
}
