using Vifibnet.Registry;

namespace Vifibnet.Cli.Commands;

/// <summary>vifibnet token --db PATH [--email E]: prints one registration token, made without mail.</summary>
public static class TokenCommand
{
    public const string Help = "usage: vifibnet token --db PATH [--email E]   (prints the token; it expires in one day)";

    public static readonly CliCommand Command = new("token", "print a registration token made without e-mail", RunAsync);

    static Task<int> RunAsync(CommandContext context)
    {
        string? db = null, email = null;
        var args = new ArgumentCursor(context.Args);
        while (args.More)
        {
            switch (args.Next())
            {
                case "--db": db = args.Value("--db"); break;
                case "--email": email = args.Value("--email"); break;
                case "-h" or "--help": context.Out.WriteLine(Help); return Task.FromResult(CommandLine.Ok);
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        var token = AdminTokens.Create(ArgumentCursor.Required(db, "--db"), email);
        context.Out.WriteLine(token.Token);
        // On stderr, so that TOKEN=$(vifibnet token ...) still takes the token alone.
        if (token.CaFingerprint is not null)
            context.Error.WriteLine($"setup with: --token {token.Token} --ca-fingerprint {token.CaFingerprint}");
        return Task.FromResult(CommandLine.Ok);
    }
}
