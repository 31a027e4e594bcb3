using System.Globalization;
using Vifibnet.Logging;
using Vifibnet.Node;

namespace Vifibnet.Cli.Commands;

/// <summary>
/// `vifibnet peers update [-s DIR]`: declare and refresh the peer DB now; `vifibnet peers list [-s DIR]
/// [--json]`: the peer DB with where each peer came from. Both work on a running or a stopped node.
/// </summary>
public static class PeersCommand
{
    const string Usage = "usage: vifibnet peers update [-s STATE_DIR] | vifibnet peers list [-s STATE_DIR] [--json]";

    public static readonly CliCommand Command = new("peers", "peers update [-s STATE_DIR]: declare and refresh the peer DB now; peers list [-s STATE_DIR] [--json]: the peers and their source", RunAsync);

    static async Task<int> RunAsync(CommandContext ctx)
    {
        if (ctx.Args.Length == 0 || ctx.Args[0] is not ("update" or "list"))
            throw new UsageException(Usage);
        var list = ctx.Args[0] == "list";
        var args = NodeQueryArgs.Parse(ctx, ctx.Args.Skip(1), Usage, allowJson: list);
        if (args is null) return CommandLine.Ok;
        var log = new Logger(LogLevel.Warning, r => ctx.Error.WriteLine(r.ToString()));
        if (list)
        {
            var peers = await NodeControl.GetPeersAsync(args.StateDir, log, ctx.Cancel);
            if (args.Json) NodeQueryArgs.WriteJson(ctx.Out, peers);
            else Print(ctx.Out, peers);
            return CommandLine.Ok;
        }
        var result = await NodeControl.UpdatePeersAsync(args.StateDir, log, ctx.Cancel);
        ctx.Out.WriteLine($"declared: {result.Declared ?? "(no address known yet)"}");
        ctx.Out.WriteLine($"received {result.Received} peers, {result.Added} new{(result.Bootstrap ? " (bootstrap peer)" : "")}, {result.Total} in the peer DB");
        return CommandLine.Ok;
    }

    static void Print(TextWriter w, IReadOnlyList<PeerListing> peers)
    {
        string[] header = ["PEER", "STATE", "SOURCE", "VIA", "SEEN", "ADDRESS"];
        var rows = peers.Select(p => new[]
        {
            p.Prefix, p.State, p.Source, p.Via ?? "-", p.Seen.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), p.Address,
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            w.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        if (rows.Count == 0) w.WriteLine("(no peers known)");
    }
}
