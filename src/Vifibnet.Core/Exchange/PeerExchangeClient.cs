using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Exchange;

/// <summary>Asks one neighbour's <see cref="PeerExchangeServer"/> for peers: a signed request, its answer's declarations unchecked (the caller verifies each).</summary>
public static class PeerExchangeClient
{
    /// <summary>The largest answer read: 100 declarations of about 2 KB each, with room.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>
    /// Connects from <paramref name="bindTo"/> (our overlay address: the source the server expects;
    /// null lets the kernel choose) to <paramref name="server"/>, whose prefix is <paramref name="serverPrefix"/>.
    /// Throws <see cref="PeerExchangeException"/> on a refusal, a timeout or a broken answer.
    /// </summary>
    public static async Task<IReadOnlyList<SignedPeer>> AskAsync(IPEndPoint server, IPAddress? bindTo, string serverPrefix,
        X509Certificate2 certificate, RSA key, TimeSpan timeout, CancellationToken cancel, TimeProvider? clock = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (bindTo is not null)
            {
                ExchangeWire.FreeBind(socket);
                socket.Bind(new IPEndPoint(bindTo, 0));
            }
            await socket.ConnectAsync(server, deadline.Token).ConfigureAwait(false);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var timestamp = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var signature = key.SignData(ExchangeWire.RequestText(serverPrefix, timestamp, nonce), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            await ExchangeWire.WriteLineAsync(stream, new ExchangeRequest(Convert.ToBase64String(certificate.RawData), timestamp, nonce, Convert.ToBase64String(signature)), deadline.Token).ConfigureAwait(false);
            var answer = await ExchangeWire.ReadLineAsync<ExchangeResponse>(stream, MaxAnswerBytes, deadline.Token).ConfigureAwait(false);
            if (answer.Error is not null) throw new PeerExchangeException($"{serverPrefix} ({server}) refused: {answer.Error}");
            return answer.Peers ?? [];
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new PeerExchangeException($"{serverPrefix} ({server}) did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            throw new PeerExchangeException($"{serverPrefix} ({server}): {e.Message}", e);
        }
    }
}
