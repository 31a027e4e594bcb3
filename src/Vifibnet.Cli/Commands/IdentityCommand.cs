using Vifibnet.Setup;

namespace Vifibnet.Cli.Commands;

/// <summary>vifibnet identity -d DIR: the node's network prefix, node prefix and overlay address, read from ca.pem and cert.crt.</summary>
public static class IdentityCommand
{
    public const string Help = "usage: vifibnet identity [-d DIR]   (reads DIR/ca.pem and DIR/cert.crt; DIR defaults to .)";

    public static readonly CliCommand Command = new("identity", "show a node's network, prefix and overlay address from its files", RunAsync);

    static Task<int> RunAsync(CommandContext context)
    {
        var dir = ".";
        var args = new ArgumentCursor(context.Args);
        while (args.More)
        {
            switch (args.Next())
            {
                case "-d" or "--dir": dir = args.Value("--dir"); break;
                case "-h" or "--help": context.Out.WriteLine(Help); return Task.FromResult(CommandLine.Ok);
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        var identity = new NodeFiles(Path.GetFullPath(dir)).ReadIdentity();
        context.Out.WriteLine($"network  {identity.Network}");
        context.Out.WriteLine($"prefix   {identity.Prefix.ToCommonName()} ({identity.Prefix.ToBinary()})");
        context.Out.WriteLine($"subnet   {identity.Subnet}");
        context.Out.WriteLine($"address  {identity.Address}");
        context.Out.WriteLine($"expires  {identity.NotAfter:yyyy-MM-dd HH:mm:ss}Z");
        return Task.FromResult(CommandLine.Ok);
    }
}
