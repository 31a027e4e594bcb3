using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;

namespace Vifibnet.Exchange;

/// <summary>
/// Answers tunnel neighbours asking for peers (see <see cref="ExchangeRequest"/>). The node listens on
/// its overlay address only, and takes a connection only from an address inside the network (a host
/// on the underlay that routes the overlay address to us gets no answer back: the overlay routes it);
/// the asker must sign with a current certificate of the network's CA, name us, be fresh (5 minutes,
/// nonce not seen before) and be one of our tunnel neighbours right now. The answer is
/// <see cref="SignedPeer"/> declarations only: what the registry would hand out (prefix and declared
/// addresses, fresh within the peer timeout), checkable by the asker without trusting us.
/// </summary>
public sealed class PeerExchangeServer : IAsyncDisposable
{
    /// <summary>The TCP port on every node's overlay address.</summary>
    public const int Port = 4326;

    public const int MaxRequestBytes = 16 * 1024;

    /// <summary>How many declarations one answer carries at most (as many as one registry peer list).</summary>
    public const int MaxAnswer = 100;

    /// <summary>Connections handled at once; more wait in the listen backlog.</summary>
    public const int MaxConcurrent = 8;

    public static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RequestWindow = TimeSpan.FromMinutes(5);

    readonly TcpListener listener;
    readonly X509Certificate2 ca;
    readonly string selfPrefix;
    readonly Func<IPAddress, bool> sourceAllowed;
    readonly Func<CancellationToken, Task<IReadOnlyCollection<string>>> neighbours;
    readonly Func<IReadOnlyList<SignedPeer>> declarations;
    readonly Logger log;
    readonly TimeProvider clock;
    readonly Func<string, bool> isRevoked;
    readonly ConcurrentDictionary<string, long> seenNonces = new();
    readonly SemaphoreSlim slots = new(MaxConcurrent, MaxConcurrent);
    readonly CancellationTokenSource stop = new();
    readonly Task accepting;
    long answered, refused;

    PeerExchangeServer(TcpListener listener, X509Certificate2 ca, string selfPrefix, Func<IPAddress, bool> sourceAllowed,
        Func<CancellationToken, Task<IReadOnlyCollection<string>>> neighbours, Func<IReadOnlyList<SignedPeer>> declarations, Logger log, TimeProvider clock, Func<string, bool> isRevoked)
    {
        (this.listener, this.ca, this.selfPrefix, this.sourceAllowed, this.neighbours, this.declarations, this.log, this.clock, this.isRevoked) =
            (listener, ca, selfPrefix, sourceAllowed, neighbours, declarations, log, clock, isRevoked);
        accepting = AcceptLoopAsync();
    }

    /// <summary>
    /// Listens on <paramref name="listen"/> (the node's overlay address and <see cref="Port"/>).
    /// <paramref name="sourceAllowed"/> says which client addresses may connect (the network prefix);
    /// <paramref name="neighbours"/> gives the prefixes we have a tunnel with; <paramref name="declarations"/> what to hand out;
    /// <paramref name="isRevoked"/> the prefixes the network's CRL revokes (refused even before openvpn drops their tunnel).
    /// </summary>
    public static PeerExchangeServer Start(IPEndPoint listen, X509Certificate2 ca, string selfPrefix, Func<IPAddress, bool> sourceAllowed,
        Func<CancellationToken, Task<IReadOnlyCollection<string>>> neighbours, Func<IReadOnlyList<SignedPeer>> declarations, Logger log, TimeProvider? clock = null,
        Func<string, bool>? isRevoked = null)
    {
        var listener = new TcpListener(listen);
        try
        {
            // The overlay address is put on lo just before: bind it even if the kernel has not finished adding it.
            ExchangeWire.FreeBind(listener.Server);
            listener.Start(32);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new PeerExchangeException($"cannot listen for peer exchange on {listen}: {e.Message}", e);
        }
        return new PeerExchangeServer(listener, ca, selfPrefix, sourceAllowed, neighbours, declarations, log, clock ?? TimeProvider.System, isRevoked ?? (_ => false));
    }

    public IPEndPoint Endpoint => (IPEndPoint)listener.LocalEndpoint;
    public long Answered => Interlocked.Read(ref answered);
    public long Refused => Interlocked.Read(ref refused);

    async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await listener.AcceptSocketAsync(stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException e) { log.Debug($"accept failed: {e.Message}"); continue; }
            var remote = ((IPEndPoint)socket.RemoteEndPoint!).Address;
            if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
            if (!sourceAllowed(remote))
            {
                // Not from inside the network: close without a word.
                Interlocked.Increment(ref refused);
                log.Debug($"peer exchange connection from {remote} refused: not an overlay address");
                socket.Dispose();
                continue;
            }
            try { await slots.WaitAsync(stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                return;
            }
            _ = Task.Run(async () =>
            {
                try { await HandleAsync(socket, remote).ConfigureAwait(false); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // One request that failed in an unforeseen way (e.g. the servers' management socket) must not end the listener.
                    log.Warning($"peer exchange with {remote} failed: {e.Message}");
                }
                finally { slots.Release(); socket.Dispose(); }
            });
        }
    }

    async Task HandleAsync(Socket socket, IPAddress remote)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        timeout.CancelAfter(ConnectionTimeout);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            var request = await ExchangeWire.ReadLineAsync<ExchangeRequest>(stream, MaxRequestBytes, timeout.Token).ConfigureAwait(false);
            var asker = await CheckAsync(request, timeout.Token).ConfigureAwait(false);
            var all = declarations().Where(d => d is not null).ToList();
            // Our own first (every asker wants it), then a random sample of the rest; never the asker's own back.
            var own = all.Take(1).ToList();
            var answer = own.Concat(all.Skip(1).OrderBy(_ => Random.Shared.Next()).Take(MaxAnswer - own.Count))
                .Where(d => !IsOf(d, asker)).ToList();
            await ExchangeWire.WriteLineAsync(stream, new ExchangeResponse(answer, null), timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref answered);
            log.Debug($"peer exchange: answered {asker} ({remote}) with {answer.Count} declarations");
        }
        catch (PeerExchangeException e)
        {
            Interlocked.Increment(ref refused);
            log.Warning($"peer exchange request from {remote} refused: {e.Message}");
            try { await ExchangeWire.WriteLineAsync(stream, new ExchangeResponse(null, e.Message), timeout.Token).ConfigureAwait(false); }
            catch (Exception w) when (w is IOException or OperationCanceledException or SocketException) { }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            Interlocked.Increment(ref refused);
            log.Debug($"peer exchange with {remote} failed: {e.Message}");
        }
    }

    static bool IsOf(SignedPeer d, string prefix)
    {
        try
        {
            using var cert = CertificateReader.FromBase64Der(d.Certificate);
            return NodePrefix.ParseCommonName(cert.GetNameInfo(X509NameType.SimpleName, false)).ToBinary() == prefix;
        }
        catch (Exception e) when (e is CertificateException or AddressingException)
        {
            return false;
        }
    }

    /// <summary>The asker's prefix when it may be answered; throws saying why not.</summary>
    async Task<string> CheckAsync(ExchangeRequest request, CancellationToken cancel)
    {
        X509Certificate2 cert;
        try { cert = CertificateReader.FromBase64Der(request.Certificate ?? ""); }
        catch (CertificateException e) { throw new PeerExchangeException($"certificate unreadable: {e.Message}", e); }
        using (cert)
        {
            var now = clock.GetUtcNow();
            if (!CertificateChecks.IsIssuedBy(cert, ca)) throw new PeerExchangeException($"certificate '{cert.Subject}' was not issued by this network's CA");
            if (!CertificateChecks.IsCurrent(cert, now)) throw new PeerExchangeException($"certificate '{cert.Subject}' is not valid now");
            string asker;
            try { asker = NodePrefix.ParseCommonName(cert.GetNameInfo(X509NameType.SimpleName, false)).ToBinary(); }
            catch (AddressingException e) { throw new PeerExchangeException($"certificate CN is not a node prefix: {e.Message}", e); }
            var (current, window) = (now.ToUnixTimeSeconds(), (long)RequestWindow.TotalSeconds);
            if (request.Timestamp < current - window || request.Timestamp > current + window)
                throw new PeerExchangeException($"{asker}: request timestamp {request.Timestamp} is more than {window} s from our clock ({current})");
            if (string.IsNullOrEmpty(request.Nonce) || request.Nonce.Length > 64) throw new PeerExchangeException($"{asker}: nonce missing or longer than 64 characters");
            byte[] signature;
            try { signature = Convert.FromBase64String(request.Signature ?? ""); }
            catch (FormatException e) { throw new PeerExchangeException($"{asker}: signature is not base64", e); }
            using (var key = cert.GetRSAPublicKey())
                if (key is null || !key.VerifyData(ExchangeWire.RequestText(selfPrefix, request.Timestamp, request.Nonce), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                    throw new PeerExchangeException($"{asker}: the request signature does not verify (signed for another node, or altered)");
            PruneNonces(current, window);
            if (!seenNonces.TryAdd(asker + "/" + request.Nonce, request.Timestamp)) throw new PeerExchangeException($"{asker}: request replayed");
            if (asker == selfPrefix) throw new PeerExchangeException("the request is signed with our own certificate");
            if (isRevoked(asker)) throw new PeerExchangeException($"{asker} is revoked by the network's CRL");
            if (!(await neighbours(cancel).ConfigureAwait(false)).Contains(asker))
                throw new PeerExchangeException($"{asker} is a member but not one of our tunnel neighbours");
            return asker;
        }
    }

    void PruneNonces(long current, long window)
    {
        if (seenNonces.Count < 1024) return;
        foreach (var (k, ts) in seenNonces)
            if (Math.Abs(current - ts) > window) seenNonces.TryRemove(k, out _);
    }

    public async ValueTask DisposeAsync()
    {
        // Never throws: the node stops its other children after this.
        await stop.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        listener.Dispose();
        try { await accepting.ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            log.Debug($"peer exchange listener ended: {e.Message}");
        }
        stop.Dispose();
    }
}
