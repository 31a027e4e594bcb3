using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vifibnet.Protocol;

namespace Vifibnet.Exchange;

/// <summary>One JSON line each way, size-bounded: a peer that sends an endless line is cut off, not buffered.</summary>
static class ExchangeWire
{
    static readonly JsonSerializerOptions Json = SourceGeneratedJson.Options(ExchangeJsonContext.Default, o => o.MaxDepth = 8);

    public static async Task<T> ReadLineAsync<T>(NetworkStream stream, int maxBytes, CancellationToken cancel)
    {
        var buffer = new byte[Math.Min(maxBytes, 64 * 1024)];
        using var line = new MemoryStream();
        while (true)
        {
            var n = await stream.ReadAsync(buffer, cancel).ConfigureAwait(false);
            if (n == 0) throw new PeerExchangeException(line.Length == 0 ? "the connection closed without a line" : "the connection closed in the middle of a line");
            var end = Array.IndexOf(buffer, (byte)'\n', 0, n);
            line.Write(buffer, 0, end < 0 ? n : end);
            if (line.Length > maxBytes) throw new PeerExchangeException($"line longer than {maxBytes} bytes");
            if (end >= 0) break;
        }
        try
        {
            return JsonSerializer.Deserialize(line.GetBuffer().AsSpan(0, (int)line.Length), SourceGeneratedJson.Info<T>(Json))
                ?? throw new PeerExchangeException("the line is JSON null");
        }
        catch (JsonException e)
        {
            throw new PeerExchangeException($"the line is not the JSON expected: {e.Message}", e);
        }
    }

    public static async Task WriteLineAsync<T>(NetworkStream stream, T message, CancellationToken cancel)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, SourceGeneratedJson.Info<T>(Json));
        await stream.WriteAsync(bytes, cancel).ConfigureAwait(false);
        await stream.WriteAsync("\n"u8.ToArray(), cancel).ConfigureAwait(false);
    }

    /// <summary>Lets the socket bind our overlay address even before the kernel has it ready (IP_FREEBIND / IPV6_FREEBIND; Linux only, best effort).</summary>
    public static void FreeBind(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            if (socket.AddressFamily == AddressFamily.InterNetworkV6) socket.SetRawSocketOption(41 /* SOL_IPV6 */, 78 /* IPV6_FREEBIND */, BitConverter.GetBytes(1));
            else socket.SetRawSocketOption(0 /* SOL_IP */, 15 /* IP_FREEBIND */, BitConverter.GetBytes(1));
        }
        catch (SocketException)
        {
            // An older kernel: binding works once the address is there, which it is by the time we bind.
        }
    }

    public static byte[] RequestText(string askedPrefix, long timestamp, string nonce) =>
        Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"vifibnet-px-v1\n{askedPrefix}\n{timestamp}\n{nonce}"));
}
