using System.Globalization;
using Vifibnet.Logging;
using Vifibnet.Node;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet renew [-s DIR] [--json]`: renew the node's certificate now, on a running or a stopped node.</summary>
public static class RenewCommand
{
    const string Usage = "usage: vifibnet renew [-s STATE_DIR] [--registry URL] [--json]   (--registry: for a node that never ran with it)";

    public static readonly CliCommand Command = new("renew", "renew the node's certificate now (same prefix; a running node restarts its tunnels one at a time)", RunAsync);

    static async Task<int> RunAsync(CommandContext ctx)
    {
        Uri? registry = null;
        var rest = new List<string>();
        for (var i = 0; i < ctx.Args.Length; i++)
        {
            if (ctx.Args[i] != "--registry") { rest.Add(ctx.Args[i]); continue; }
            if (i + 1 >= ctx.Args.Length || !Uri.TryCreate(ctx.Args[i + 1], UriKind.Absolute, out registry))
                throw new UsageException($"--registry needs a URL such as http://[::1]:8000 ({Usage})");
            i++;
        }
        var args = NodeQueryArgs.Parse(ctx, rest, Usage, allowJson: true);
        if (args is null) return CommandLine.Ok;
        var log = new Logger(LogLevel.Warning, r => ctx.Error.WriteLine(r.ToString()));
        var result = await NodeControl.RenewAsync(args.StateDir, log, ctx.Cancel, registry);
        if (args.Json) NodeQueryArgs.WriteJson(ctx.Out, result);
        else
        {
            ctx.Out.WriteLine($"serial       {result.Serial}");
            ctx.Out.WriteLine($"valid until  {Utc(result.NotAfter)}");
            ctx.Out.WriteLine($"next renewal {Utc(result.NextRenewal)}");
        }
        return CommandLine.Ok;
    }

    static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
