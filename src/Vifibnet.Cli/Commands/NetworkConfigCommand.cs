using System.Globalization;
using System.Text.Json;
using Vifibnet.Certificates;
using Vifibnet.Registry;

namespace Vifibnet.Cli.Commands;

/// <summary>
/// `vifibnet network-config --db PATH [settings]`: shows, or changes, the network configuration the registry signs
/// and every node applies at its next peer refresh (docs/lifecycle.md).
/// </summary>
public static class NetworkConfigCommand
{
    public const string Help = """
        usage: vifibnet network-config --db PATH [--hello S] [--connection-count N] [--tunnel-refresh S] [--refresh-rate R]
                                       [--min-version X.Y.Z] [--rotate-babel-key [--key-overlap S]] [--unset NAME]... [--json]
          without a setting: shows the configuration; NAME: hello, connection-count, tunnel-refresh, refresh-rate, min-version, babel-key
          --key-overlap: seconds between announcing a new babel key and its use (default 7200; more than two --peers-db-refresh)
        """;

    public static readonly CliCommand Command = new("network-config",
        "show or change the network configuration the registry signs (hello, tunnels, minimum version, babel key)", RunAsync);

    static Task<int> RunAsync(CommandContext context)
    {
        string? db = null;
        var json = false;
        var change = new NetworkConfigChange();
        var unset = new List<string>();
        var args = new ArgumentCursor(context.Args);
        while (args.More)
        {
            switch (args.Next())
            {
                case "--db": db = args.Value("--db"); break;
                case "--hello": change = change with { Hello = args.IntValue("--hello", 1, 3600) }; break;
                case "--connection-count": change = change with { ConnectionCount = args.IntValue("--connection-count", 0, 1000) }; break;
                case "--tunnel-refresh": change = change with { TunnelRefresh = args.IntValue("--tunnel-refresh", 1, int.MaxValue) }; break;
                case "--refresh-rate": change = change with { RefreshRate = Ratio(args.Value("--refresh-rate")) }; break;
                case "--min-version": change = change with { MinimumVersion = VersionText(args.Value("--min-version")) }; break;
                case "--rotate-babel-key": change = change with { RotateBabelKey = true }; break;
                case "--key-overlap": change = change with { KeyOverlap = TimeSpan.FromSeconds(args.IntValue("--key-overlap", 0, int.MaxValue)) }; break;
                case "--unset": unset.Add(Setting(args.Value("--unset"))); break;
                case "--json": json = true; break;
                case "-h" or "--help": context.Out.WriteLine(Help); return Task.FromResult(CommandLine.Ok);
                case var other: throw ArgumentCursor.Unknown(other);
            }
        }
        change = change with { Unset = unset };
        var path = ArgumentCursor.Required(db, "--db");
        var config = change.ChangesNothing ? AdminNetworkConfig.Get(path) : AdminNetworkConfig.Set(path, change);
        if (json) context.Out.WriteLine(JsonSerializer.Serialize(NetworkConfigSummary.Of(path, config), NetworkConfigSummaryJson.Default.NetworkConfigSummary));
        else Print(context.Out, config, changed: !change.ChangesNothing);
        return Task.FromResult(CommandLine.Ok);
    }

    static void Print(TextWriter w, NetworkConfiguration c, bool changed)
    {
        w.WriteLine($"version          {c.Version}{(changed ? " (changed: nodes take it at their next peer refresh)" : "")}");
        w.WriteLine($"hello            {Text(c.Hello)}");
        w.WriteLine($"connection-count {Text(c.ConnectionCount)}");
        w.WriteLine($"tunnel-refresh   {Text(c.TunnelRefresh)}");
        w.WriteLine($"refresh-rate     {Text(c.RefreshRate)}");
        w.WriteLine($"min-version      {c.MinimumVersion ?? "(not set)"}");
        if (c.BabelKeys.Count == 0) w.WriteLine("babel-key        (none: babel packets are not signed)");
        foreach (var k in NetworkConfigSummary.Of(".", c).BabelKeys) w.WriteLine($"babel-key        {k}");
    }

    static string Text<T>(T? value) where T : struct => value is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture)! : "(not set: each node's own)";

    static double Ratio(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1
            ? r : throw new UsageException($"--refresh-rate '{text}' is not a ratio in 0..1");

    static string VersionText(string text) =>
        Version.TryParse(text, out _) ? text : throw new UsageException($"--min-version '{text}' is not a version (like 0.2.0)");

    static string Setting(string name) =>
        NetworkConfigChange.SettingNames.Contains(name) ? name
            : throw new UsageException($"--unset '{name}' is not one of {string.Join(", ", NetworkConfigChange.SettingNames)}");
}
