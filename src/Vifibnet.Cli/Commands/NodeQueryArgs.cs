using System.Text.Json;
using Vifibnet.Configuration;
using Vifibnet.Node;
using Vifibnet.Protocol;

namespace Vifibnet.Cli.Commands;

/// <summary>
/// The arguments every command that asks a node something shares: `-s/--state DIR` (the daemon's
/// default state directory when absent) and, where offered, `--json`.
/// </summary>
public sealed record NodeQueryArgs(string StateDir, bool Json)
{
    /// <summary>The node daemon's own default, so the CLI finds the node `vifibnet node` started.</summary>
    public const string DefaultStateDir = NodeOptions.DefaultStateDir;

    /// <summary>Parses <paramref name="args"/>; null when help was asked for (printed already).</summary>
    public static NodeQueryArgs? Parse(CommandContext ctx, IEnumerable<string> args, string usage, bool allowJson)
    {
        var cursor = new ArgumentCursor([.. args]);
        var stateDir = DefaultStateDir;
        var json = false;
        while (cursor.More)
        {
            var arg = cursor.Next();
            switch (arg)
            {
                case "-s" or "--state" when cursor.More: stateDir = cursor.Value(arg); break;
                case "--json" when allowJson: json = true; break;
                case "-h" or "--help":
                    ctx.Out.WriteLine(usage);
                    return null;
                default: throw new UsageException($"unexpected argument '{arg}'; {usage}");
            }
        }
        return new NodeQueryArgs(stateDir, json);
    }

    /// <summary>Writes a value as indented camelCase JSON (what `--json` prints).</summary>
    public static void WriteJson<T>(TextWriter w, T value) => w.WriteLine(JsonSerializer.Serialize(value, SourceGeneratedJson.Info<T>(ControlClient.IndentedJson)));
}
