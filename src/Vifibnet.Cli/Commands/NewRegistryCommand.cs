using Vifibnet.Addressing;
using Vifibnet.Registry;

namespace Vifibnet.Cli.Commands;

/// <summary>vifibnet new-registry --dir DIR --network PREFIX [--force]: a CA carrying the prefix, its key, a registry DB.</summary>
public static class NewRegistryCommand
{
    public const string Help = "usage: vifibnet new-registry --dir DIR --network PREFIX [--force]   (e.g. --network 2001:db8:42::/48)";

    public static readonly CliCommand Command = new("new-registry", "create a network: CA (prefix in its serial), CA key, registry DB", RunAsync);

    static Task<int> RunAsync(CommandContext context)
    {
        string? dir = null, network = null;
        var force = false;
        var args = new ArgumentCursor(context.Args);
        while (args.More)
        {
            switch (args.Next())
            {
                case "--dir" or "-d": dir = args.Value("--dir"); break;
                case "--network": network = args.Value("--network"); break;
                case "--force": force = true; break;
                case "-h" or "--help": context.Out.WriteLine(Help); return Task.FromResult(CommandLine.Ok);
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        if (!NetworkPrefix.TryParse(ArgumentCursor.Required(network, "--network"), out var prefix, out var error))
            throw new UsageException($"--network: {error}");
        try { NetworkCreator.CheckNetwork(prefix); }
        catch (ArgumentException e) { throw new UsageException($"--network: {e.Message}"); }
        var created = NetworkCreator.Create(ArgumentCursor.Required(dir, "--dir"), prefix, force);
        context.Out.WriteLine($"network {created.Network} (CA serial {created.Serial}, valid until {created.NotAfter:yyyy-MM-dd})");
        context.Out.WriteLine($"  CA certificate  {created.CaPath}");
        context.Out.WriteLine($"  CA key          {created.KeyPath} (mode 0600)");
        context.Out.WriteLine($"  registry DB     {created.DbPath}");
        context.Out.WriteLine($"  CA fingerprint  {created.CaFingerprint}   (nodes: vifibnet setup --ca-fingerprint {created.CaFingerprint})");
        return Task.FromResult(CommandLine.Ok);
    }
}
