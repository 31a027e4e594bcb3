using System.Net;
using System.Net.Sockets;
using System.Text;
using Vifibnet.Logging;

namespace Vifibnet.Nat;

/// <summary>
/// Finds Internet Gateway Devices on the LAN: sends SSDP M-SEARCH requests for IGD v1/v2 and
/// their WAN connection services, and collects the LOCATION of every answer within a bounded wait.
/// </summary>
public sealed class SsdpDiscovery(Logger log, SocketOpener? open = null)
{
    /// <summary>The SSDP multicast group and port.</summary>
    public static readonly IPEndPoint MulticastEndpoint = new(IPAddress.Parse("239.255.255.250"), 1900);

    /// <summary>What we search for: the IGD itself and the two WAN connection services that map ports.</summary>
    public static readonly IReadOnlyList<string> SearchTargets =
    [
        "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
        "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANPPPConnection:1",
    ];

    /// <summary>Where M-SEARCH goes: the multicast group, or one device's unicast address (UPnP 1.1 unicast search).</summary>
    public IPEndPoint Target { get; init; } = MulticastEndpoint;

    /// <summary>How long to keep listening once a first gateway has answered, for the others on the LAN.</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Searches for at most <paramref name="wait"/>; returns one answer per distinct LOCATION, first answer first.</summary>
    public async Task<IReadOnlyList<SsdpResponse>> SearchAsync(TimeSpan wait, CancellationToken cancel)
    {
        var found = new List<SsdpResponse>();
        using var socket = (open ?? NatSockets.Default)(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        // UPnP's recommended TTL: the gateway is on our link, a router or two at most.
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 2);
        var mx = Math.Clamp((int)wait.TotalSeconds - 1, 1, 5);
        if (!await SendSearchesAsync(socket, mx, cancel).ConfigureAwait(false)) return found;
        log.Debug($"SSDP M-SEARCH sent to {Target} for {SearchTargets.Count} targets; waiting up to {wait.TotalSeconds:0.#} s");

        var deadline = DateTime.UtcNow + wait;
        // UDP may lose a search; UPnP asks clients to repeat it: once more, a third of the way in, if nobody answered.
        var resendAt = DateTime.UtcNow + wait / 3;
        var resent = false;
        var buffer = new byte[8192];
        while (true)
        {
            var now = DateTime.UtcNow;
            if (!resent && found.Count == 0 && now >= resendAt)
            {
                resent = true;
                if (!await SendSearchesAsync(socket, mx, cancel).ConfigureAwait(false)) break;
            }
            var until = !resent && found.Count == 0 && resendAt < deadline ? resendAt : deadline;
            var left = until - now;
            if (left <= TimeSpan.Zero)
            {
                if (until == deadline) break;
                continue;
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(left);
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                continue;
            }
            catch (SocketException e)
            {
                // e.g. ICMP port unreachable from a unicast target that is gone: nobody is answering.
                log.Debug($"SSDP search toward {Target}: {e.Message}");
                break;
            }
            var from = (IPEndPoint)received.RemoteEndPoint;
            var answer = Parse(Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes), from, out var problem);
            if (answer is null)
            {
                log.Warning($"ignored an SSDP answer from {from}: {problem}");
                continue;
            }
            if (found.Any(f => f.Location == answer.Location)) continue;
            log.Debug($"SSDP: {answer.SearchTarget} at {answer.Location} ({answer.Server})");
            found.Add(answer);
            var settle = DateTime.UtcNow + SettleTime;
            if (settle < deadline) deadline = settle;
        }
        return found;
    }

    /// <summary>Sends one M-SEARCH per target; false when the network refuses (no route for multicast: no LAN, so no gateway).</summary>
    async Task<bool> SendSearchesAsync(Socket socket, int mx, CancellationToken cancel)
    {
        try
        {
            foreach (var target in SearchTargets)
            {
                var request = Encoding.ASCII.GetBytes(
                    $"M-SEARCH * HTTP/1.1\r\nHOST: {MulticastEndpoint}\r\nMAN: \"ssdp:discover\"\r\nMX: {mx}\r\nST: {target}\r\n\r\n");
                await socket.SendToAsync(request, SocketFlags.None, Target, cancel).ConfigureAwait(false);
            }
            return true;
        }
        catch (SocketException e)
        {
            log.Debug($"SSDP search toward {Target} could not be sent: {e.Message}");
            return false;
        }
    }

    /// <summary>Reads one SSDP answer; null (with the reason) when it is not a usable 200 answer with an http LOCATION.</summary>
    public static SsdpResponse? Parse(string text, IPEndPoint from, out string problem)
    {
        var lines = text.Split('\n');
        if (!lines[0].StartsWith("HTTP/1.", StringComparison.OrdinalIgnoreCase) || lines[0].Split(' ', 3) is not [_, "200", ..])
        {
            problem = $"not an HTTP 200 answer: '{Shorten(lines[0])}'";
            return null;
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        if (!headers.TryGetValue("LOCATION", out var location) || location.Length == 0)
        {
            problem = "no LOCATION header";
            return null;
        }
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            problem = $"LOCATION '{Shorten(location)}' is not an http:// URL";
            return null;
        }
        problem = "";
        return new SsdpResponse(uri, headers.GetValueOrDefault("ST", ""), headers.GetValueOrDefault("USN", ""), headers.GetValueOrDefault("SERVER", ""), from);
    }

    static string Shorten(string s) => (s.Length > 120 ? s[..120] + "..." : s).Trim();
}
