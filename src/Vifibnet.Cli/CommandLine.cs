using Vifibnet.Cli.Commands;

namespace Vifibnet.Cli;

/// <summary>The `vifibnet` command table and dispatch.</summary>
public static class CommandLine
{
    public const int Ok = 0, Failed = 1, Usage = 2;

    /// <summary>Each command, in the order `vifibnet --help` lists them.</summary>
    public static readonly IReadOnlyList<CliCommand> Commands =
    [
        // Commands register here, one line each; each command's name, summary and code live in Commands/.
        NewRegistryCommand.Command,
        RegistryCommand.Command,
        TokenCommand.Command,
        RevokeCommand.Command,
        NetworkConfigCommand.Command,
        SetupCommand.Command,
        IdentityCommand.Command,
        NodeCommand.Command,
        StatusCommand.Command,
        TunnelsCommand.Command,
        PeersCommand.Command,
        RenewCommand.Command,
        SimulateCommand.Command,
        UpnpCommand.Command,
        DemoCommand.Command,
        CompletionCommand.Command,
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintHelp(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? Usage : Ok;
        }
        if (args[0] is "--version")
        {
            stdout.WriteLine($"vifibnet {Version}");
            return Ok;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"vifibnet: unknown command '{args[0]}'; try 'vifibnet --help'");
            return Usage;
        }
        using var cancel = new CancellationTokenSource();
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
        try
        {
            return await command.Run(new CommandContext(args[1..], stdout, stderr, cancel.Token, stdin));
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"vifibnet {command.Name}: {e.Message}");
            return Usage;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return Ok;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Core throws named exceptions whose messages say what and where; one line is enough.
            stderr.WriteLine($"vifibnet {command.Name}: {e.Message}");
            return Failed;
        }
    }

    /// <summary>The program's version: VERSION at the root of the checkout, through Directory.Build.props.</summary>
    public static string Version { get; } =
        typeof(CommandLine).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

    static void PrintHelp(TextWriter w)
    {
        w.WriteLine("usage: vifibnet COMMAND [options]   (vifibnet COMMAND --help for its options; vifibnet --version)");
        foreach (var c in Commands) w.WriteLine($"  {c.Name,-14} {c.Summary}");
    }
}
