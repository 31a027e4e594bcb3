using System.Globalization;
using Vifibnet.Registry;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet revoke --db PATH PREFIX|SERIAL`: takes a node out of the network (its certificates on the CRL).</summary>
public static class RevokeCommand
{
    public const string Help = "usage: vifibnet revoke --db PATH PREFIX|SERIAL   (PREFIX binary or as its CN, e.g. 1/16; SERIAL in hex)";

    public static readonly CliCommand Command = new("revoke", "revoke a node's certificates: refused by the registry, on the CRL every node checks", RunAsync);

    static Task<int> RunAsync(CommandContext context)
    {
        string? db = null, target = null;
        var args = new ArgumentCursor(context.Args);
        while (args.More)
        {
            switch (args.Next())
            {
                case "--db": db = args.Value("--db"); break;
                case "-h" or "--help": context.Out.WriteLine(Help); return Task.FromResult(CommandLine.Ok);
                case var positional when target is null && !positional.StartsWith('-'): target = positional; break;
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        if (target is null) throw new UsageException("PREFIX or SERIAL is required: " + Help);
        var result = AdminRevocation.Revoke(ArgumentCursor.Required(db, "--db"), target);
        context.Out.WriteLine($"revoked {result.CommonName} ({result.Prefix}): serial {string.Join(", ", result.Serials)}");
        context.Out.WriteLine($"prefix reusable after {result.PrefixReusableAfter.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} (plus the renewal grace)");
        return Task.FromResult(CommandLine.Ok);
    }
}
