using System.Globalization;
using Vifibnet.Lab;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet demo [--nodes N] [--hello S] [--keep]`: a registry and N nodes in network namespaces, healing from a cut path and a stopped node.</summary>
public static class DemoCommand
{
    public const string Help =
        "usage: vifibnet demo [--nodes N] [--hello S] [--underlay ipv4|ipv6|mixed] [--keep] [-v LEVEL]   (as root; N 2..60, default 8; hello default 4 s; underlay default ipv4; --keep: leave the mesh up until Ctrl+C)";

    public static readonly CliCommand Command = new("demo", "a registry and N nodes in network namespaces on this machine, healing from faults (root)", RunAsync);

    static async Task<int> RunAsync(CommandContext context)
    {
        var nodes = 8;
        var hello = 4;
        var keep = false;
        var verbose = 0;
        var underlay = Underlay.IPv4;
        var args = new ArgumentCursor(context.Args);
        while (args.More)
        {
            switch (args.Next())
            {
                case "--nodes" or "-n": nodes = args.IntValue("--nodes", DemoTopology.MinNodes, DemoTopology.MaxNodes); break;
                case "--hello": hello = args.IntValue("--hello", 1, 600); break;
                case "--keep": keep = true; break;
                case "--underlay":
                    var family = args.Value("--underlay");
                    underlay = family switch
                    {
                        "ipv4" => Underlay.IPv4,
                        "ipv6" => Underlay.IPv6,
                        "mixed" => Underlay.Mixed,
                        _ => throw new UsageException($"--underlay '{family}' must be ipv4, ipv6 or mixed"),
                    };
                    break;
                case "-v" or "--verbose": verbose = args.IntValue("--verbose", 0, 5); break;
                case "-h" or "--help": context.Out.WriteLine(Help); return CommandLine.Ok;
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        if (!NetworkLab.RunningAsRoot)
        {
            context.Error.WriteLine("vifibnet demo: needs root (it creates network namespaces, tap devices and a bridge); run it with sudo");
            return CommandLine.Failed;
        }
        MeshLab.CheckTools();
        var options = new MeshOptions
        {
            Nodes = nodes, Hello = hello, Underlay = underlay, Vifibnet = VifibnetExecutable.In(AppContext.BaseDirectory),
        };
        var log = new Logger(Verbosity.MinimumLevel(verbose), r => { lock (context.Error) context.Error.WriteLine(r); });
        var view = new DemoView(context.Out, interactive: !Console.IsOutputRedirected && ReferenceEquals(context.Out, Console.Out));
        context.Out.WriteLine($"vifibnet demo: {nodes} nodes ({(underlay == Underlay.IPv6 ? 0 : DemoTopology.NatCount(nodes))} behind NAT), {underlay} underlay, hello {hello} s, network {options.Network}");
        DemoResult result;
        try
        {
            result = await new DemoRunner(options, log, new InlineProgress<DemoEvent>(view.Show)).RunAsync(keep, context.Cancel);
        }
        catch (OperationCanceledException) when (context.Cancel.IsCancellationRequested)
        {
            context.Out.WriteLine();
            context.Out.WriteLine("interrupted: everything the demo made is removed");
            return CommandLine.Ok;
        }
        context.Out.WriteLine();
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"summary: all pairs after {result.Converged.TotalSeconds:0.0} s; rerouted {result.Rerouted.TotalSeconds:0.0} s after the cut; {result.Stopped} left in {result.NodeLeft.TotalSeconds:0.0} s and rejoined {result.Rejoined.TotalSeconds:0.0} s after its restart"));
        context.Out.WriteLine("everything the demo made is removed");
        return CommandLine.Ok;
    }
}
