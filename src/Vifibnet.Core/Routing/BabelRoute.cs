using System.Net;
using System.Text.Json;

namespace Vifibnet.Routing;

/// <summary>A route babeld installed in the kernel: destination prefix and the interface it leaves by.</summary>
public sealed record BabelRoute(IPAddress Destination, int Length, string Device)
{
    /// <summary>Reads `ip -6 -j route show proto babel`.</summary>
    public static IReadOnlyList<BabelRoute> ParseJson(string json)
    {
        var routes = new List<BabelRoute>();
        if (string.IsNullOrWhiteSpace(json)) return routes;
        using var doc = JsonDocument.Parse(json);
        foreach (var r in doc.RootElement.EnumerateArray())
        {
            if (!r.TryGetProperty("dst", out var dst) || !r.TryGetProperty("dev", out var dev)) continue;
            var text = dst.GetString() ?? "";
            var slash = text.IndexOf('/');
            var length = slash < 0 ? 128 : int.Parse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (IPAddress.TryParse(slash < 0 ? text : text[..slash], out var ip))
                routes.Add(new BabelRoute(ip, length, dev.GetString() ?? ""));
        }
        return routes;
    }
}
