using System.Globalization;
using System.Management.Automation;
using Vifibnet.Configuration;

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
        bool Has(string name) => bound.ContainsKey(name);
        var args = new List<string>();
        foreach (var file in c.ConfigFile) args.Add("@" + path(file));
        foreach (var ip in c.Ip) args.AddRange(["--ip", .. EndpointText.AddressPortProto(ip, "-Ip")]);
        foreach (var i in c.Interface) args.AddRange(["--interface", i]);
        if (Has(nameof(c.PeersDbRefresh))) args.AddRange(["--peers-db-refresh", Num(c.PeersDbRefresh)]);
        if (Has(nameof(c.LogPath))) args.AddRange(["--log", path(c.LogPath!)]);
        // Path binds from the pipeline too (Register-VifibNode's output), where BoundParameters may not list it yet.
        if (c.Path is not null) args.AddRange(["--state", path(c.Path)]);
        if (Has(nameof(c.LogLevel))) args.AddRange(["--verbose", Num(c.LogLevel)]);
        if (Has(nameof(c.Registry))) args.AddRange(["--registry", c.Registry!]);
        if (Has(nameof(c.Hello))) args.AddRange(["--hello", Num(c.Hello)]);
        if (Has(nameof(c.TunnelTimeout))) args.AddRange(["--tunnel-timeout", Num(c.TunnelTimeout)]);
        if (Has(nameof(c.ProbeTimeout))) args.AddRange(["--probe-timeout", c.ProbeTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (c.Wireless) args.Add("--wireless");
        foreach (var pp in c.Pp) args.AddRange(["--pp", .. EndpointText.PortProto(pp, "-Pp")]);
        if (Has(nameof(c.TunnelRefresh))) args.AddRange(["--tunnel-refresh", Num(c.TunnelRefresh)]);
        if (Has(nameof(c.PeerExchange))) args.AddRange(["--peer-exchange", Num(c.PeerExchange)]);
        if (Has(nameof(c.DhPath))) args.AddRange(["--dh", path(c.DhPath!)]);
        if (Has(nameof(c.CaPath))) args.AddRange(["--ca", path(c.CaPath!)]);
        if (Has(nameof(c.CertificatePath))) args.AddRange(["--cert", path(c.CertificatePath!)]);
        if (Has(nameof(c.KeyPath))) args.AddRange(["--key", path(c.KeyPath!)]);
        if (Has(nameof(c.ConnectionCount))) args.AddRange(["--connection-count", Num(c.ConnectionCount)]);
        if (Has(nameof(c.RefreshRate))) args.AddRange(["--refresh-rate", c.RefreshRate.ToString("R", CultureInfo.InvariantCulture)]);
        if (c.OpenVpnArgument.Length > 0) args.AddRange(["--", .. c.OpenVpnArgument]);
        return args;
    }

    static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
