using System.Net;

namespace Vifibnet.Routing;

/// <summary>A route babeld knows: destination prefix, the interface it was learned on, and whether it is the one installed in the kernel.</summary>
public sealed record BabelRoute(IPAddress Destination, int Length, string Device, bool Installed)
{
    /// <summary>babeld's metric of the route (65535: retracted, unusable).</summary>
    public int Metric { get; init; }

    /// <summary>The metric the neighbour announced: 0 when the neighbour is the route's origin (the node itself).</summary>
    public int RefMetric { get; init; } = Infinity;

    /// <summary>The next hop: the neighbour's link-local address on <see cref="Device"/>, when the dump names it.</summary>
    public IPAddress? Via { get; init; }

    /// <summary>babeld's infinite metric: a retracted route.</summary>
    public const int Infinity = 0xFFFF;

    /// <summary>babeld's cost of a wired link (its rxcost default), the least a neighbour can add to a route.</summary>
    public const int WiredLinkCost = 96;

    public string Prefix => $"{Destination}/{Length}";

    /// <summary>
    /// Reads the "add route" lines of babeld's local `dump`, e.g.
    /// "add route 55fe prefix 2001:db8:42:2::1/128 from ::/0 installed yes id ... metric 96 refmetric 0 via fe80::1 if vifib-c0".
    /// Fields are read by keyword so extra fields in other babeld versions do not matter.
    /// </summary>
    public static IReadOnlyList<BabelRoute> ParseDump(IEnumerable<string> lines)
    {
        var routes = new List<BabelRoute>();
        foreach (var line in lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3 || words[0] is not ("add" or "change") || words[1] != "route") continue;
            string? Value(string key)
            {
                var i = Array.IndexOf(words, key);
                return i >= 0 && i + 1 < words.Length ? words[i + 1] : null;
            }
            var prefix = Value("prefix");
            var device = Value("if");
            if (prefix is null || device is null) continue;
            var slash = prefix.IndexOf('/');
            if (!IPAddress.TryParse(slash < 0 ? prefix : prefix[..slash], out var ip)) continue;
            var length = slash < 0 ? 128 : int.Parse(prefix[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            routes.Add(new BabelRoute(ip, length, device, Value("installed") == "yes")
            {
                Metric = int.TryParse(Value("metric"), System.Globalization.CultureInfo.InvariantCulture, out var metric) ? metric : Infinity,
                RefMetric = int.TryParse(Value("refmetric"), System.Globalization.CultureInfo.InvariantCulture, out var refMetric) ? refMetric : Infinity,
                Via = IPAddress.TryParse(Value("via"), out var via) ? via : null,
            });
        }
        return routes;
    }

    /// <summary>Installed routes per interface: the routes each tunnel carries.</summary>
    public static IReadOnlyDictionary<string, int> CountInstalledByDevice(IEnumerable<BabelRoute> routes) =>
        routes.Where(r => r.Installed).GroupBy(r => r.Device).ToDictionary(g => g.Key, g => g.Count());
}
