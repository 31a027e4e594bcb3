using System.Globalization;
using System.Management.Automation;

namespace Vifibnet.PowerShell;

/// <summary>
/// Start-VifibNode's parameters as the seed's command line, so NodeOptionParser gives the cmdlet
/// exactly the CLI's options, defaults, @file handling and errors.
/// </summary>
static class NodeArguments
{
    public static List<string> From(StartVifibNodeCommand c, Func<string, string> path)
    {
        var bound = c.MyInvocation.BoundParameters;
        var args = new List<string>();
        foreach (var file in c.ConfigFile) args.Add("@" + path(file));
        foreach (var ip in c.Ip) args.AddRange(["--ip", .. Words(ip, 3, "-Ip", "ADDRESS PORT PROTO")]);
        foreach (var i in c.Interface) args.AddRange(["--interface", i]);
        if (bound.ContainsKey(nameof(c.PeersDbRefresh))) args.AddRange(["--peers-db-refresh", Num(c.PeersDbRefresh)]);
        if (bound.ContainsKey(nameof(c.Log))) args.AddRange(["--log", path(c.Log!)]);
        if (bound.ContainsKey(nameof(c.State))) args.AddRange(["--state", path(c.State!)]);
        if (bound.ContainsKey(nameof(c.LogLevel))) args.AddRange(["--verbose", Num(c.LogLevel)]);
        if (bound.ContainsKey(nameof(c.Registry))) args.AddRange(["--registry", c.Registry!]);
        if (bound.ContainsKey(nameof(c.Hello))) args.AddRange(["--hello", Num(c.Hello)]);
        if (c.Wireless) args.Add("--wireless");
        foreach (var pp in c.Pp) args.AddRange(["--pp", .. Words(pp, 2, "-Pp", "PORT PROTO")]);
        if (bound.ContainsKey(nameof(c.TunnelRefresh))) args.AddRange(["--tunnel-refresh", Num(c.TunnelRefresh)]);
        if (bound.ContainsKey(nameof(c.Dh))) args.AddRange(["--dh", path(c.Dh!)]);
        if (bound.ContainsKey(nameof(c.Ca))) args.AddRange(["--ca", path(c.Ca!)]);
        if (bound.ContainsKey(nameof(c.Cert))) args.AddRange(["--cert", path(c.Cert!)]);
        if (bound.ContainsKey(nameof(c.Key))) args.AddRange(["--key", path(c.Key!)]);
        if (bound.ContainsKey(nameof(c.ConnectionCount))) args.AddRange(["--connection-count", Num(c.ConnectionCount)]);
        if (bound.ContainsKey(nameof(c.RefreshRate))) args.AddRange(["--refresh-rate", c.RefreshRate.ToString("R", CultureInfo.InvariantCulture)]);
        if (c.OpenVpnArgument.Length > 0) args.AddRange(["--", .. c.OpenVpnArgument]);
        return args;
    }

    static string[] Words(string value, int count, string parameter, string shape)
    {
        var words = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == count ? words
            : throw new ArgumentException($"{parameter} '{value}' must be \"{shape}\" ({count} words separated by spaces)");
    }

    static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
