using System.Globalization;
using Vifibnet.Node;
using Vifibnet.Tunnels;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet tunnels [-s DIR] [--json]`: the running node's tunnels.</summary>
public static class TunnelsCommand
{
    public static readonly CliCommand Command = new("tunnels", "show a running node's tunnels (-s STATE_DIR, --json)", RunAsync);

    static async Task<int> RunAsync(CommandContext ctx)
    {
        var args = NodeQueryArgs.Parse(ctx, ctx.Args, "usage: vifibnet tunnels [-s STATE_DIR] [--json]", allowJson: true);
        if (args is null) return CommandLine.Ok;
        var tunnels = await NodeControl.GetTunnelsAsync(args.StateDir, ctx.Cancel);
        if (args.Json) NodeQueryArgs.WriteJson(ctx.Out, tunnels);
        else Print(ctx.Out, tunnels);
        return CommandLine.Ok;
    }

    static void Print(TextWriter w, IReadOnlyList<TunnelInfo> tunnels)
    {
        string[] header = ["PEER", "INTERFACE", "DIRECTION", "REMOTE", "STATE", "SINCE", "ROUTES", "RX", "TX"];
        var rows = tunnels.Select(t => new[]
        {
            t.Peer, t.Interface, t.Direction, t.Remote, t.State,
            t.Since.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            t.Routes.ToString(CultureInfo.InvariantCulture), t.RxBytes.ToString(CultureInfo.InvariantCulture), t.TxBytes.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            w.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        if (rows.Count == 0) w.WriteLine("(no tunnels yet)");
    }
}
