using System.Globalization;
using System.Net;
using Vifibnet.Addressing;

namespace Vifibnet.Routing;

/// <summary>
/// babeld's command line for a node: announce only the node's own address (/128 on lo) and subnet,
/// accept only routes inside the network prefix, hello interval from --hello, -w, and pid and state
/// files and its local socket (-G, read-write: it only exists in the node's own run directory) where the settings say. A pure function of the settings, unit-tested.
/// </summary>
public static class BabelArguments
{
    public static IReadOnlyList<string> Build(BabelSettings o, NetworkPrefix network, NetworkPrefix subnet,
        IPAddress address, IEnumerable<string> interfaces)
    {
        var hello = o.Hello.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "-I", o.PidFile,
            "-S", o.StateFile,
            "-G", o.Socket,
            "-h", hello, "-H", hello,
            "-C", $"redistribute local ip {address}/128 allow",
            "-C", $"redistribute ip {subnet} eq {subnet.Length} allow",
            "-C", "redistribute local deny",
            "-C", "redistribute deny",
            "-C", $"in ip {network} allow",
            "-C", "in deny",
        };
        if (o.Wireless) args.Add("-w");
        // babeld smooths metrics before it switches to a better route (half-life 4 s): a route starts at half of infinity,
        // so a better one found later (a direct tunnel that came up after a detour) waits 20-45 s. Meanwhile the detour
        // may run through the far end of a cut, which is why a hello-15 cut test failed (the far end had no loop-free
        // alternative). With fixed link costs (no link-quality estimation anywhere) there is nothing to smooth: off.
        if (!o.Wireless && !o.TunnelLinkQuality) args.AddRange(["-M", "0"]);
        // The key is in a file only the node reads (BabelProcess writes it): a command line is public to local users.
        if (o.Authentication is not null && o.KeyConfigFile is not null) args.AddRange(["-c", o.KeyConfigFile]);
        var tunnels = interfaces.Distinct().Where(i => i.StartsWith(BabelSettings.TunnelDevicePrefix, StringComparison.Ordinal)).ToList();
        if (o.TunnelLinkQuality)
            foreach (var tunnel in tunnels)
                args.AddRange(["-C", $"interface {tunnel} link-quality true"]);
        if (o.TunnelUpdateInterval is { } update)
            foreach (var tunnel in tunnels)
                args.AddRange(["-C", $"interface {tunnel} update-interval {update.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}"]);
        if (o.TunnelTimestamps)
            foreach (var tunnel in tunnels)
                args.AddRange(["-C", $"interface {tunnel} enable-timestamps true"]);
        // -d 1 dumps the whole table at every iteration: only at the seed's two chattiest levels.
        if (o.Verbose >= 4) args.AddRange(["-d", (o.Verbose - 3).ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(interfaces.Distinct());
        return args;
    }
}
