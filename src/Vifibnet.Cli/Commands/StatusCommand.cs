using System.Globalization;
using System.Text.Json;
using Vifibnet.Node;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet status [-s DIR] [--json]`: a running node at a glance (identity, address, tunnels, UPnP, registry).</summary>
public static class StatusCommand
{
    public static readonly CliCommand Command = new("status", "show a running node: identity, advertised address, tunnels, UPnP, registry (-s STATE_DIR, --json)", RunAsync);

    static async Task<int> RunAsync(CommandContext ctx)
    {
        var stateDir = "/var/lib/vifibnet";
        var json = false;
        for (var i = 0; i < ctx.Args.Length; i++)
        {
            switch (ctx.Args[i])
            {
                case "-s" or "--state" when i + 1 < ctx.Args.Length: stateDir = ctx.Args[++i]; break;
                case "--json": json = true; break;
                case "-h" or "--help":
                    ctx.Out.WriteLine("usage: vifibnet status [-s STATE_DIR] [--json]");
                    return CommandLine.Ok;
                default: throw new UsageException($"unexpected argument '{ctx.Args[i]}'; usage: vifibnet status [-s STATE_DIR] [--json]");
            }
        }
        var status = await NodeControl.GetStatusAsync(stateDir, ctx.Cancel);
        if (json) ctx.Out.WriteLine(JsonSerializer.Serialize(status, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        else Print(ctx.Out, status);
        return CommandLine.Ok;
    }

    static void Print(TextWriter w, NodeStatus s)
    {
        w.WriteLine($"state        {s.State}");
        w.WriteLine($"network      {s.Network}");
        w.WriteLine($"prefix       {s.Prefix} ({s.CommonName})");
        w.WriteLine($"address      {s.OverlayAddress}");
        w.WriteLine($"advertised   {s.AdvertisedAddress ?? "(not known yet)"} (from {s.AddressSource})");
        w.WriteLine($"external ip  {s.ExternalIp ?? "(not learned)"}");
        w.WriteLine($"tunnels      {s.ClientTunnels} client ({s.ClientTunnelsUp} up), {s.ServerClients} to our servers; {s.PeersKnown} peers known");
        UpnpCommand.PrintStatus(s.Upnp, w);
        w.WriteLine($"registry     {s.Registry ?? "(none)"}");
        if (s.Registry is not null)
            w.WriteLine($"last contact {(s.LastRegistryContact is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never")}");
        if (s.LastRegistryError is not null) w.WriteLine($"last error   {s.LastRegistryError}");
    }
}
