using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Node;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet node [options] [-- openvpn args]`: the node daemon in the foreground until SIGINT/SIGTERM.</summary>
public static class NodeCommand
{
    public static readonly CliCommand Command = new("node", "run a node: tunnels to peers, babel routing (foreground)", RunAsync);

    static async Task<int> RunAsync(CommandContext ctx)
    {
        if (ctx.Args.TakeWhile(a => a != "--").Any(a => a is "-h" or "--help"))
        {
            ctx.Out.WriteLine("usage: vifibnet node [options] [@file] [-- openvpn args...]\n" + NodeOptionParser.Help);
            return CommandLine.Ok;
        }
        NodeOptions options;
        try
        {
            options = NodeOptionParser.Parse(ctx.Args);
        }
        catch (NodeOptionException e)
        {
            throw new UsageException(e.Message);
        }
        var log = new Logger(Verbosity.MinimumLevel(options.Verbose), ConsoleLog.Sink(ctx));
        using var hangup = ConsoleLog.ReopenOnHangup(log);
        var daemon = new NodeDaemon(options, log) { FileLog = !ConsoleLog.UnderSystemd };
        await daemon.RunAsync(ctx.Cancel);
        return CommandLine.Ok;
    }
}
