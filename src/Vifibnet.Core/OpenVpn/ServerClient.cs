using System.Globalization;

namespace Vifibnet.OpenVpn;

/// <summary>A peer connected to one of our openvpn servers, as `status 2` lists it.</summary>
/// <param name="CommonName">The peer's certificate CN: its node prefix as "value/length".</param>
/// <param name="RealAddress">The address the server saw the peer at ("ip:port").</param>
/// <param name="BytesReceived">Bytes from the peer.</param>
/// <param name="BytesSent">Bytes to the peer.</param>
/// <param name="ConnectedSince">When it connected.</param>
public sealed record ServerClient(string CommonName, string RealAddress, long BytesReceived, long BytesSent, DateTimeOffset ConnectedSince)
{
    /// <summary>Reads the CLIENT_LIST lines of `status 2` (HEADER lines tell the column order).</summary>
    public static IReadOnlyList<ServerClient> ParseStatus(IEnumerable<string> lines)
    {
        string[]? header = null;
        var clients = new List<ServerClient>();
        foreach (var line in lines)
        {
            var fields = line.Split(',');
            if (fields[0] == "HEADER" && fields.Length > 1 && fields[1] == "CLIENT_LIST") header = fields[1..];
            else if (fields[0] == "CLIENT_LIST" && header is not null)
            {
                string Field(string name)
                {
                    var i = Array.IndexOf(header, name);
                    return i >= 0 && i < fields.Length ? fields[i] : "";
                }
                long.TryParse(Field("Bytes Received"), NumberStyles.None, CultureInfo.InvariantCulture, out var rx);
                long.TryParse(Field("Bytes Sent"), NumberStyles.None, CultureInfo.InvariantCulture, out var tx);
                long.TryParse(Field("Connected Since (time_t)"), NumberStyles.None, CultureInfo.InvariantCulture, out var since);
                clients.Add(new ServerClient(Field("Common Name"), Field("Real Address"), rx, tx, DateTimeOffset.FromUnixTimeSeconds(since)));
            }
        }
        return clients;
    }
}
