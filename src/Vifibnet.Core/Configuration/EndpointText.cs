using System.Text.RegularExpressions;

namespace Vifibnet.Configuration;

/// <summary>
/// Endpoints as users type them: the seed's words ("198.51.100.7 1194 udp", "1194 udp") or the
/// compact form ("198.51.100.7:1194/udp", "[2001:db8::7]:1194/udp", "1194/udp"), turned into the
/// seed's words for <see cref="NodeOptionParser"/>, which checks each word.
/// </summary>
public static partial class EndpointText
{
    /// <summary>ADDRESS PORT PROTO for --ip.</summary>
    public static string[] AddressPortProto(string text, string option)
    {
        var words = Words(text);
        if (words.Length == 3) return words;
        if (words.Length == 1 && Compact().Match(text.Trim()) is { Success: true } m)
            return [m.Groups["v6"].Success ? m.Groups["v6"].Value : m.Groups["v4"].Value, m.Groups["port"].Value, m.Groups["proto"].Value];
        throw new NodeOptionException($"{option} '{text}' must be \"ADDRESS PORT PROTO\" or \"ADDRESS:PORT/PROTO\" (e.g. 198.51.100.7:1194/udp, [2001:db8::7]:1194/udp)");
    }

    /// <summary>PORT PROTO for --pp.</summary>
    public static string[] PortProto(string text, string option)
    {
        var words = Words(text);
        if (words.Length == 2) return words;
        if (words.Length == 1 && text.Trim().Split('/') is [var port, var proto] && port.Length > 0 && proto.Length > 0)
            return [port, proto];
        throw new NodeOptionException($"{option} '{text}' must be \"PORT PROTO\" or \"PORT/PROTO\" (e.g. 1194/udp, 1194/tcp-server)");
    }

    static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^(?:\[(?<v6>[0-9A-Fa-f:.]+)\]|(?<v4>[^:/\s\[\]]+)):(?<port>\d+)/(?<proto>[a-z0-9-]+)$")]
    private static partial Regex Compact();
}
