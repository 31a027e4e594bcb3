using System.Net.Sockets;
using System.Text;

namespace Vifibnet.Routing;

/// <summary>
/// babeld's local configuration interface (-G on a unix socket in the node's run directory):
/// `dump` lists every route with the interface it came in on, installed or not, which is how the
/// daemon counts routes per tunnel and finds the nodes reachable over a LAN interface.
/// </summary>
public static class BabelControl
{
    public static async Task<IReadOnlyList<string>> RequestAsync(string socketPath, string request, TimeSpan timeout, CancellationToken cancel = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token).ConfigureAwait(false);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        // Greeting: "BABEL 1.0", informational lines, "ok".
        await ReadUntilDoneAsync(reader, cts.Token).ConfigureAwait(false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request + "\n"), cts.Token).ConfigureAwait(false);
        return await ReadUntilDoneAsync(reader, cts.Token).ConfigureAwait(false);
    }

    static async Task<List<string>> ReadUntilDoneAsync(StreamReader reader, CancellationToken cancel)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
        {
            if (line is "ok") return lines;
            if (line is "no" or "bad") throw new IOException($"babeld answered '{line}'");
            lines.Add(line);
        }
        throw new IOException("babeld closed its local socket");
    }

    /// <summary>babeld's table: its routes and the neighbours it hears, from one `dump`.</summary>
    public sealed record Dump(IReadOnlyList<BabelRoute> Routes, IReadOnlyList<BabelNeighbour> Neighbours)
    {
        public static Dump Empty { get; } = new([], []);
    }

    /// <summary>Every route babeld knows and every neighbour it hears, or empty lists when it does not answer (starting, restarting).</summary>
    public static async Task<Dump> DumpAsync(string socketPath, CancellationToken cancel = default)
    {
        try
        {
            var lines = await RequestAsync(socketPath, "dump", TimeSpan.FromSeconds(3), cancel).ConfigureAwait(false);
            return new Dump(BabelRoute.ParseDump(lines), BabelNeighbour.ParseDump(lines));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            return Dump.Empty;
        }
    }

    /// <summary>Every route babeld knows, or an empty list when it does not answer (starting, restarting).</summary>
    public static async Task<IReadOnlyList<BabelRoute>> DumpRoutesAsync(string socketPath, CancellationToken cancel = default) =>
        (await DumpAsync(socketPath, cancel).ConfigureAwait(false)).Routes;
}
