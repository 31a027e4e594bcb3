using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
        if (json) context.Out.WriteLine(ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
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
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--nodes": nodes = Int(args[i], Value()); break;
                case "--connection-count": options = options with { ConnectionCount = Int(args[i], Value()) }; break;
                case "--refresh-rounds": options = options with { RefreshRounds = Int(args[i], Value()) }; break;
                case "--fail": options = options with { FailRatios = [Real(args[i], Value())] }; break;
                case "--seed": options = options with { Seed = Int(args[i], Value()) }; break;
                case "--refresh-rate": options = options with { RefreshRate = Real(args[i], Value()) }; break;
                case "--peer-list-size": options = options with { PeerListSize = Int(args[i], Value()) }; break;
                case "--sample-sources": options = options with { SampleSources = Int(args[i], Value()) }; break;
                case "--peer-list-pick": options = options with { PeerListPick = Pick(Value()) }; break;
                case "--max-incoming": options = options with { MaxIncoming = Int(args[i], Value()) }; break;
                case "--exact-up-to": options = options with { ExactUpTo = Int(args[i], Value()) }; break;
                case "--json": json = true; break;
                default: throw new UsageException($"unknown option '{args[i]}'; try 'vifibnet simulate --help'");
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

    /// <summary>The parameters, then per round averageHops, maxHops, degree and, with --fail, connectivity.</summary>
    public static JsonObject ToJson(SimulationResult result)
    {
        var o = result.Options;
        var parameters = new JsonObject
        {
            ["nodes"] = o.Nodes, ["connectionCount"] = o.ConnectionCount, ["clientTunnels"] = o.ClientTunnels,
            ["refreshRounds"] = o.RefreshRounds, ["refreshRate"] = o.RefreshRate, ["seed"] = o.Seed,
            ["peerListSize"] = o.PeerListSize, ["peerListPick"] = o.PeerListPick.ToString().ToLowerInvariant(), ["maxIncoming"] = o.IncomingLimit, ["peerDbRefreshRounds"] = o.PeerDbRefreshRounds,
            ["sampleSources"] = o.SampleSources, ["exactUpTo"] = o.ExactUpTo,
        };
        if (o.FailRatios.Count > 0) parameters["fail"] = o.FailRatios[0];
        var rounds = new JsonArray();
        foreach (var r in result.Rounds)
        {
            var round = new JsonObject
            {
                ["round"] = r.Round, ["averageHops"] = r.Hops.AverageHops, ["maxHops"] = r.Hops.MaxHops,
                ["hopsExact"] = r.Hops.Exact, ["hopSources"] = r.Hops.Sources, ["averageHopsStandardError"] = r.Hops.StandardError, ["unreachablePairs"] = r.Hops.UnreachablePairs,
                ["degree"] = Degree(r.Degree), ["tunnelsClosed"] = r.TunnelsClosed, ["tunnelsOpened"] = r.TunnelsOpened,
                ["tunnelsRefused"] = r.TunnelsRefused,
            };
            if (r.Failures.Count > 0)
            {
                round["connectedPairsRatio"] = r.Failures[0].Survivors.ConnectedPairsRatio;
                round["largestComponent"] = r.Failures[0].Survivors.LargestComponent;
                round["survivors"] = r.Failures[0].Survivors.Survivors;
            }
            rounds.Add(round);
        }
        var document = new JsonObject { ["parameters"] = parameters, ["rounds"] = rounds };
        if (result.Repairs.Count > 0)
        {
            var a = result.Repairs[0];
            document["afterRepair"] = new JsonObject
            {
                ["passes"] = a.Passes, ["deadTunnelsClosed"] = a.DeadTunnelsClosed,
                ["connectedPairsRatio"] = a.Survivors.ConnectedPairsRatio, ["largestComponent"] = a.Survivors.LargestComponent,
                ["survivors"] = a.Survivors.Survivors, ["averageHops"] = a.Hops.AverageHops, ["maxHops"] = a.Hops.MaxHops,
                ["degree"] = Degree(a.Degree),
            };
        }
        return document;
    }

    static JsonObject Degree(DegreeStatistics d) => new() { ["min"] = d.Min, ["mean"] = d.Mean, ["max"] = d.Max };

    sealed class StderrProgress(TextWriter error, int rounds) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) =>
            error.WriteLine($"simulate: {value.Phase} ({value.Round}/{rounds}) at {value.Elapsed.TotalSeconds:F1} s");
    }
}
