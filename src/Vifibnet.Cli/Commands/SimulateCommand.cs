using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vifibnet.Simulation;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet simulate`: runs the tunnel policy on a simulated network and prints what it measured.</summary>
public static class SimulateCommand
{
    public static readonly CliCommand Command = new("simulate", "simulate N nodes running the tunnel policy (hops, degrees, failures)", Run);

    const string Help = """
        usage: vifibnet simulate --nodes N [--connection-count K] [--refresh-rounds R] [--fail RATIO]
                                 [--seed S] [--json] [--refresh-rate X] [--peer-list-size P]
                                 [--peer-list-pick uniform|window] [--max-incoming M] [--sample-sources S] [--exact-up-to N]
          --nodes N             nodes in the network (required)
          --connection-count K  the daemon's --connection-count; each node opens ceil(K/2) tunnels (default 20)
          --refresh-rounds R    tunnel refresh rounds after the random start (default 10)
          --fail RATIO          also fail this share of nodes (0..1): connectivity per round, then after repair
          --seed S              seed; the same seed gives the same output (default 1)
          --json                print one JSON document on stdout
          --refresh-rate X      the daemon's --refresh-rate (default 0.05)
          --peer-list-size P    peers per registry peer list, merged into the node's DB at start and
                                every 12 rounds (--peers-db-refresh / --tunnel-refresh) (default 100)
          --peer-list-pick P    uniform: independent random peers per list (default); window: the registry's
                                range seek, the next P peers in its random-key order from a random start
          --max-incoming M      server-side tunnels a node accepts; 0 = no limit (default 2 K: --max-clients K
                                on each of the daemon's 2 default servers)
          --sample-sources S    BFS sources per measurement on large networks (default 256)
          --exact-up-to N       measure every pair when nodes <= N (default 2048)
        Progress goes to stderr.
        """;

    static Task<int> Run(CommandContext context)
    {
        if (context.Args is ["-h" or "--help"])
        {
            context.Out.WriteLine(Help);
            return Task.FromResult(CommandLine.Ok);
        }
        var (options, json) = Parse(context.Args);
        var clock = Stopwatch.StartNew();
        var progress = new StderrProgress(context.Error, options.RefreshRounds);
        var result = new NetworkSimulator().Run(options, progress, context.Cancel);
        if (json) context.Out.WriteLine(SimulationJson.ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else SimulationTable.Print(result, context.Out);
        using var self = Process.GetCurrentProcess();
        context.Error.WriteLine($"simulate: done in {clock.Elapsed.TotalSeconds:F1} s, peak memory {self.PeakWorkingSet64 / (1024 * 1024)} MiB");
        return Task.FromResult(CommandLine.Ok);
    }

    static (SimulationOptions, bool Json) Parse(string[] args)
    {
        int? nodes = null;
        var options = new SimulationOptions { Nodes = 0 };
        var json = false;
        var cursor = new ArgumentCursor(args);
        while (cursor.More)
        {
            var arg = cursor.Next();
            string Value() => cursor.Value(arg);
            switch (arg)
            {
                case "--nodes": nodes = Int(arg, Value()); break;
                case "--connection-count": options = options with { ConnectionCount = Int(arg, Value()) }; break;
                case "--refresh-rounds": options = options with { RefreshRounds = Int(arg, Value()) }; break;
                case "--fail": options = options with { FailRatios = [Real(arg, Value())] }; break;
                case "--seed": options = options with { Seed = Int(arg, Value()) }; break;
                case "--refresh-rate": options = options with { RefreshRate = Real(arg, Value()) }; break;
                case "--peer-list-size": options = options with { PeerListSize = Int(arg, Value()) }; break;
                case "--sample-sources": options = options with { SampleSources = Int(arg, Value()) }; break;
                case "--peer-list-pick": options = options with { PeerListPick = Pick(Value()) }; break;
                case "--max-incoming": options = options with { MaxIncoming = Int(arg, Value()) }; break;
                case "--exact-up-to": options = options with { ExactUpTo = Int(arg, Value()) }; break;
                case "--json": json = true; break;
                default: throw new UsageException($"unknown option '{arg}'; try 'vifibnet simulate --help'");
            }
        }
        options = options with { Nodes = nodes ?? throw new UsageException("--nodes N is required") };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        return (options, json);
    }

    static int Int(string name, string value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
        ? n : throw new UsageException($"{name}: '{value}' is not an integer");

    static PeerListPick Pick(string value) => value switch
    {
        "uniform" => PeerListPick.Uniform,
        "window" => PeerListPick.Window,
        _ => throw new UsageException($"--peer-list-pick: '{value}' is neither 'uniform' nor 'window'"),
    };

    static double Real(string name, string value) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
        ? x : throw new UsageException($"{name}: '{value}' is not a number");

    sealed class StderrProgress(TextWriter error, int rounds) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) =>
            error.WriteLine($"simulate: {value.Phase} ({value.Round}/{rounds}) at {value.Elapsed.TotalSeconds:F1} s");
    }
}
