using Vifibnet.Cli.Commands;

namespace Vifibnet.Cli;

/// <summary>The `vifibnet` command table and dispatch.</summary>
public static class CommandLine
{
    public const int Ok = 0, Failed = 1, Usage = 2;

    /// <summary>Each command: name, one-line summary, entry point (args after the name).</summary>
    public static readonly IReadOnlyList<CliCommand> Commands =
    [
        // Commands register here, one line each; their code lives in Commands/.
        new("new-registry", "create a network: CA (prefix in its serial), CA key, registry DB", NewRegistryCommand.RunAsync),
        new("registry", "serve a network's registry (foreground until Ctrl+C / SIGTERM)", RegistryCommand.RunAsync),
        new("token", "print a registration token made without e-mail", TokenCommand.RunAsync),
        new("setup", "join a network: ca.pem, cert.key, cert.crt, peers.db from a registry", SetupCommand.RunAsync),
        new("identity", "show a node's network, prefix and overlay address from its files", IdentityCommand.RunAsync),
        NodeCommand.Command,
        StatusCommand.Command,
        TunnelsCommand.Command,
        PeersCommand.Command,
        SimulateCommand.Command,
        new("upnp", UpnpCommand.Summary, UpnpCommand.RunAsync),
        DemoCommand.Command,
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintHelp(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? Usage : Ok;
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

    static void PrintHelp(TextWriter w)
    {
        w.WriteLine("usage: vifibnet COMMAND [options]   (vifibnet COMMAND --help for its options)");
        foreach (var c in Commands) w.WriteLine($"  {c.Name,-14} {c.Summary}");
    }
}
