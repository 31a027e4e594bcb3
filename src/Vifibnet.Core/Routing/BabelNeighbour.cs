using System.Net;

namespace Vifibnet.Routing;

/// <summary>A neighbour babeld hears: its link-local address and the interface it is on.</summary>
public sealed record BabelNeighbour(IPAddress Address, string Device)
{
    /// <summary>Reads the "add neighbour" lines of babeld's local `dump`, e.g. "add neighbour 55fe address fe80::1 if vifib-c0 reach ffff ...".</summary>
    public static IReadOnlyList<BabelNeighbour> ParseDump(IEnumerable<string> lines)
    {
        var neighbours = new List<BabelNeighbour>();
        foreach (var line in lines)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3 || words[0] is not ("add" or "change") || words[1] != "neighbour") continue;
            var address = Array.IndexOf(words, "address");
            var device = Array.IndexOf(words, "if");
            if (address < 0 || device < 0 || address + 1 >= words.Length || device + 1 >= words.Length) continue;
            if (IPAddress.TryParse(words[address + 1], out var ip)) neighbours.Add(new BabelNeighbour(ip, words[device + 1]));
        }
        return neighbours;
    }

    /// <summary>
    /// The interfaces (among <paramref name="devices"/>) where a neighbour address appeared that <paramref name="before"/>
    /// did not have, on an interface that had one already: on a client tunnel's tap that is the peer's node restarted
    /// (a new tap on its side, so a new link-local address), not a reload (same tap, same address) nor a new tunnel.
    /// </summary>
    public static IReadOnlyList<string> Newcomers(IReadOnlyDictionary<string, HashSet<IPAddress>> before, IReadOnlyList<BabelNeighbour> now,
        Func<string, bool> devices) =>
        [.. now.Where(n => devices(n.Device)).GroupBy(n => n.Device)
            .Where(g => before.TryGetValue(g.Key, out var known) && known.Count > 0 && g.Any(n => !known.Contains(n.Address)))
            .Select(g => g.Key)];
}
