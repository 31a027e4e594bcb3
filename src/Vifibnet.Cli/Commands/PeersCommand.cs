using Vifibnet.Logging;
using Vifibnet.Node;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet peers update [-s DIR]`: declare and refresh the peer DB now, on a running or a stopped node.</summary>
public static class PeersCommand
{
    public static readonly CliCommand Command = new("peers", "peers update [-s STATE_DIR]: declare and refresh the peer DB now", RunAsync);

    static async Task<int> RunAsync(CommandContext ctx)
    {
        if (ctx.Args.Length == 0 || ctx.Args[0] != "update")
            throw new UsageException("usage: vifibnet peers update [-s STATE_DIR]");
        var args = NodeQueryArgs.Parse(ctx, ctx.Args.Skip(1), "usage: vifibnet peers update [-s STATE_DIR]", allowJson: false);
        if (args is null) return CommandLine.Ok;
        var log = new Logger(LogLevel.Warning, r => ctx.Error.WriteLine(r.ToString()));
        var result = await NodeControl.UpdatePeersAsync(args.StateDir, log, ctx.Cancel);
        ctx.Out.WriteLine($"declared: {result.Declared ?? "(no address known yet)"}");
        ctx.Out.WriteLine($"received {result.Received} peers, {result.Added} new{(result.Bootstrap ? " (bootstrap peer)" : "")}, {result.Total} in the peer DB");
        return CommandLine.Ok;
    }
}
