using System.Globalization;
using Vifibnet.Node;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet status [-s DIR] [--json]`: a running node at a glance (identity, address, tunnels, UPnP, registry).</summary>
public static class StatusCommand
{
    public static readonly CliCommand Command = new("status", "show a running node: identity, advertised address, tunnels, UPnP, registry (-s STATE_DIR, --json)", RunAsync);

    static async Task<int> RunAsync(CommandContext ctx)
    {
        var args = NodeQueryArgs.Parse(ctx, ctx.Args, "usage: vifibnet status [-s STATE_DIR] [--json]", allowJson: true);
        if (args is null) return CommandLine.Ok;
        var status = await NodeControl.GetStatusAsync(args.StateDir, ctx.Cancel);
        if (args.Json) NodeQueryArgs.WriteJson(ctx.Out, status);
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
        if (s.CertificateExpires is { } expires) w.WriteLine($"cert expires {Utc(expires)}");
        w.WriteLine($"next renewal {(s.NextRenewal is { } due ? Utc(due) : "(none: no registry)")}");
        if (s.LastRenewalError is not null) w.WriteLine($"renew error  {s.LastRenewalError}");
        w.WriteLine($"hello        {s.Hello} s");
        w.WriteLine($"network cfg  {(s.NetworkConfigVersion is { } v ? $"version {v}" : "(none)")}{(s.BabelKey is { } key ? $", babel key {key}" : "")}");
        if (s.NetworkConfigError is not null) w.WriteLine($"config error {s.NetworkConfigError}");
        if (s.RevokedPeers > 0) w.WriteLine($"revoked      {s.RevokedPeers} node(s) on the CRL");
    }

    static string Utc(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
