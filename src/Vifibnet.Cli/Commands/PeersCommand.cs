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
        var stateDir = "/var/lib/vifibnet";
        for (var i = 1; i < ctx.Args.Length; i++)
        {
            if (ctx.Args[i] is "-s" or "--state" && i + 1 < ctx.Args.Length) stateDir = ctx.Args[++i];
            else throw new UsageException($"unexpected argument '{ctx.Args[i]}'; usage: vifibnet peers update [-s STATE_DIR]");
        }
        var log = new Logger(LogLevel.Warning, r => ctx.Error.WriteLine(r.ToString()));
        var result = await NodeControl.UpdatePeersAsync(stateDir, log, ctx.Cancel);
        ctx.Out.WriteLine($"declared: {result.Declared ?? "(no address known yet)"}");
        ctx.Out.WriteLine($"received {result.Received} peers, {result.Added} new{(result.Bootstrap ? " (bootstrap peer)" : "")}, {result.Total} in the peer DB");
        return CommandLine.Ok;
    }
}
