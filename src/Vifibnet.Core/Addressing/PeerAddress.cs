using System.Globalization;
using System.Net;

namespace Vifibnet.Addressing;

/// <summary>One way to reach a node's openvpn server: ip, port, protocol (udp, tcp-server or tcp-client).</summary>
public sealed record PeerAddress(IPAddress Ip, int Port, string Protocol)
{
    public static readonly IReadOnlyList<string> Protocols = ["udp", "tcp-server", "tcp-client", "tcp"];

    /// <summary>Parses the DB and protocol format "ip,port,proto;ip,port,proto".</summary>
    public static IReadOnlyList<PeerAddress> ParseList(string text)
    {
        var list = new List<PeerAddress>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = part.Split(',');
            if (fields.Length != 3
                || !IPAddress.TryParse(fields[0], out var ip)
                || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535
                || !Protocols.Contains(fields[2]))
                throw new AddressingException($"'{part}' is not a peer address: expected ip,port,proto with proto one of {string.Join(", ", Protocols)}");
            list.Add(new PeerAddress(ip, port, fields[2]));
        }
        return list;
    }

    public static string FormatList(IEnumerable<PeerAddress> addresses) => string.Join(';', addresses);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ip},{Port},{Protocol}");
}
