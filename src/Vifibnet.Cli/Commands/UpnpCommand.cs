using System.Globalization;
using Vifibnet.Logging;
using Vifibnet.Nat;
using Vifibnet.Node;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet upnp discover|list|map|unmap|forward`: look at and drive the LAN's UPnP gateway by hand.</summary>
public static class UpnpCommand
{
    public static readonly CliCommand Command = new("upnp", "UPnP: a running node's mappings (status), gateway diagnostics (discover, list, map, ...)", RunAsync);

    const string Help = """
        usage: vifibnet upnp status [-s STATE_DIR]          a running node's gateway, external address and mappings
               vifibnet upnp discover                       find the gateway, its external and our LAN address
               vifibnet upnp list                           the gateway's port mappings
               vifibnet upnp map EXT_PORT udp|tcp INT_PORT  add a mapping to this host [--lease SECONDS] [--description TEXT]
               vifibnet upnp unmap EXT_PORT udp|tcp         delete a mapping
               vifibnet upnp forward --pp PORT PROTO ...    map like the node does (udp, tcp-server), refresh, delete on Ctrl+C
        options: --wait SECONDS (SSDP search, default 2)  --url DESCRIPTION_URL (skip SSDP)  -v LEVEL (0..5)
        """;

    static async Task<int> RunAsync(CommandContext context)
    {
        var (verb, positional, options, pairs, verbose, lease, description, stateDir) = Parse(context.Args);
        if (verb is null or "-h" or "--help")
        {
            (verb is null ? context.Error : context.Out).WriteLine(Help);
            return verb is null ? CommandLine.Usage : CommandLine.Ok;
        }
        var log = new Logger(Verbosity.MinimumLevel(verbose), r => context.Error.WriteLine(r));
        switch (verb)
        {
            case "status":
                PrintStatus(await ControlClient.GetPortForwardingAsync(stateDir, context.Cancel), context.Out);
                return CommandLine.Ok;
            case "forward":
                if (pairs.Count == 0) throw new UsageException("forward needs at least one --pp PORT PROTO");
                return await ForwardAsync(context, pairs, options, log);
            case "discover" or "list" or "map" or "unmap":
                CheckArguments(verb, positional); // before any traffic
                using (var session = await GatewaySession.OpenAsync(options, log, context.Cancel))
                    return await OnGatewayAsync(context, session, verb, positional, lease ?? options.Lease, description);
            default:
                throw new UsageException($"unknown upnp action '{verb}' (status, discover, list, map, unmap, forward)");
        }
    }

    static async Task<int> OnGatewayAsync(CommandContext context, GatewaySession session, string verb, List<string> args, TimeSpan lease, string description)
    {
        var gateway = session.Gateway;
        var output = context.Out;
        switch (verb)
        {
            case "discover":
                output.WriteLine($"gateway      {gateway.Service}");
                output.WriteLine($"description  {gateway.Service.DescriptionUrl}");
                output.WriteLine($"external     {session.ExternalAddress}");
                output.WriteLine($"lan          {session.LanAddress}");
                return CommandLine.Ok;
            case "list":
                foreach (var m in await gateway.ListPortMappingsAsync(context.Cancel)) output.WriteLine(m);
                return CommandLine.Ok;
            case "map":
                var mapping = new PortMapping(Port(args[0]), Protocol(args[1]), session.LanAddress, Port(args[2]), description, lease);
                await gateway.AddPortMappingAsync(mapping, context.Cancel);
                output.WriteLine($"mapped {mapping} on {session.ExternalAddress}");
                return CommandLine.Ok;
            default:
                await gateway.DeletePortMappingAsync(Port(args[0]), Protocol(args[1]), context.Cancel);
                output.WriteLine($"deleted {args[1].ToUpperInvariant()} {Port(args[0])}");
                return CommandLine.Ok;
        }
    }

    static void CheckArguments(string verb, List<string> args)
    {
        var (count, usage) = verb switch
        {
            "map" => (3, "map EXT_PORT udp|tcp INT_PORT"),
            "unmap" => (2, "unmap EXT_PORT udp|tcp"),
            _ => (0, verb),
        };
        if (args.Count != count) throw new UsageException($"usage: vifibnet upnp {usage}");
        if (count == 0) return;
        Port(args[0]);
        Protocol(args[1]);
        if (count == 3) Port(args[2]);
    }

    static async Task<int> ForwardAsync(CommandContext context, List<ForwardedPort> pairs, PortForwarderOptions options, Logger log)
    {
        using var forwarder = new PortForwarder(pairs, options, log);
        forwarder.PublicAddressesChanged += addresses => PrintStatus(NatStatusView.Of(forwarder.Status), context.Out);
        await forwarder.RunAsync(context.Cancel);
        PrintStatus(NatStatusView.Of(forwarder.Status), context.Out);
        return CommandLine.Ok;
    }

    /// <summary>Prints port forwarding as it stands (a running node's, or `forward`'s own); `vifibnet status` reuses it.</summary>
    public static void PrintStatus(NatStatusView status, TextWriter output)
    {
        output.WriteLine($"upnp         {status.State}{(status.Gateway is null ? "" : $" via {status.Gateway}")}");
        if (status.ExternalAddress is not null) output.WriteLine($"external     {status.ExternalAddress} (lan {status.LanAddress})");
        for (var i = 0; i < status.Mappings.Count; i++)
            output.WriteLine($"advertise    {status.Advertised[i]}   ({status.Mappings[i]})");
        if (status.LastRefresh is { } refreshed) output.WriteLine($"refreshed    {refreshed.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z");
        if (status.LastError is not null) output.WriteLine($"error        {status.LastError}");
    }

    static (string? Verb, List<string> Positional, PortForwarderOptions Options, List<ForwardedPort> Pairs, int Verbose, TimeSpan? Lease, string Description, string StateDir) Parse(string[] args)
    {
        var options = new PortForwarderOptions();
        var positional = new List<string>();
        var pairs = new List<ForwardedPort>();
        int verbose = 1;
        TimeSpan? lease = null;
        var description = "vifibnet upnp";
        var stateDir = NodeQueryArgs.DefaultStateDir;
        var cursor = new ArgumentCursor(args);
        while (cursor.More)
        {
            var arg = cursor.Next();
            switch (arg)
            {
                case "--wait": options = options with { DiscoveryWait = TimeSpan.FromSeconds(Number(cursor.Value(arg), arg)) }; break;
                case "--url":
                    var text = cursor.Value(arg);
                    options = options with { DescriptionUrl = Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp ? url : throw new UsageException($"--url '{text}' is not an http:// URL") };
                    break;
                case "-v" or "--verbose": verbose = Number(cursor.Value(arg), "-v"); break;
                case "--lease": lease = TimeSpan.FromSeconds(Number(cursor.Value(arg), "--lease")); break;
                case "--description": description = cursor.Value(arg); break;
                case "-s" or "--state": stateDir = cursor.Value(arg); break;
                case "--pp":
                    var port = Port(cursor.Value(arg));
                    try { pairs.Add(new ForwardedPort(port, cursor.Value(arg))); }
                    catch (ArgumentException e) { throw new UsageException($"--pp: {e.Message.Split(" (Parameter")[0]}"); }
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal) && arg != "--help") throw new UsageException($"unknown option '{arg}'");
                    positional.Add(arg);
                    break;
            }
        }
        var verb = positional.Count > 0 ? positional[0] : null;
        return (verb, positional.Skip(1).ToList(), options, pairs, verbose, lease, description, stateDir);
    }

    static int Number(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"{what} '{text}' is not a number");

    static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535 ? p : throw new UsageException($"'{text}' is not a port (1..65535)");

    static NatProtocol Protocol(string text) => text.ToLowerInvariant() switch
    {
        "udp" => NatProtocol.Udp,
        "tcp" => NatProtocol.Tcp,
        _ => throw new UsageException($"'{text}' is not a mapping protocol (udp or tcp)"),
    };
}
