using Vifibnet.Setup;

namespace Vifibnet.Tests.Support;

/// <summary>Answers setup's questions from a script (the e-mail, then tokens in order, or the token that reaches a real Maildir) and records what was asked.</summary>
public sealed class ScriptedPrompt(string? email, params Func<string>[] tokens) : ISetupPrompt
{
    int next;
    public List<string?> Problems { get; } = [];
    public int EmailAsked { get; private set; }

    public string? AskEmail()
    {
        EmailAsked++;
        return email;
    }

    public string? AskToken(string email, string? problem)
    {
        Problems.Add(problem);
        return next < tokens.Length ? tokens[next++]() : null;
    }
}
