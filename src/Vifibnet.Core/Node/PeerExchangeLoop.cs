using Vifibnet.Exchange;
using Vifibnet.Logging;

namespace Vifibnet.Node;

/// <summary>
/// When the node asks its neighbours for peers: a neighbour never asked yet at once (a fresh tunnel,
/// the bootstrap peer), then every --peer-exchange; every <see cref="ShortRetry"/> while the node is
/// short of peers to open tunnels to (fewer free peers than client tunnels wanted) or the registry
/// failed; a neighbour that could not be asked (no route yet) again after <see cref="FailureRetry"/>.
/// </summary>
sealed class PeerExchangeLoop(PeerExchange exchange, TimeSpan interval, Func<CancellationToken, Task<IReadOnlyCollection<string>>> neighbours,
    Func<bool> shortOfPeers, Func<bool> registryFailing, Logger log)
{
    public static readonly TimeSpan ShortRetry = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan FailureRetry = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    static readonly TimeSpan Pass = TimeSpan.FromSeconds(2);

    readonly Dictionary<string, (DateTimeOffset Asked, bool Ok)> asked = [];
    DateTimeOffset nextExpiry;

    public async Task RunAsync(CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try { await PassAsync(cancel).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.Error($"peer exchange pass failed: {e.Message}", e);
            }
            await Task.Delay(Pass, cancel).ConfigureAwait(false);
        }
    }

    async Task PassAsync(CancellationToken cancel)
    {
        var now = DateTimeOffset.UtcNow;
        if (now >= nextExpiry)
        {
            nextExpiry = now + TimeSpan.FromMinutes(1);
            if (exchange.Expire() is > 0 and var gone) log.Info($"peer exchange: {gone} second-hand peers expired");
        }
        var current = await neighbours(cancel).ConfigureAwait(false);
        foreach (var gone in asked.Keys.Where(k => !current.Contains(k)).ToList()) asked.Remove(gone);
        var hurry = shortOfPeers() || registryFailing();
        var due = current.Where(n => !asked.TryGetValue(n, out var last)
            || now - last.Asked >= (last.Ok ? (hurry ? ShortRetry : interval) : FailureRetry)).ToList();
        if (due.Count == 0) return;
        await Task.WhenAll(due.Select(async n =>
        {
            try
            {
                await exchange.AskAsync(n, AskTimeout, cancel).ConfigureAwait(false);
                lock (asked) asked[n] = (DateTimeOffset.UtcNow, true);
            }
            catch (PeerExchangeException e)
            {
                lock (asked) asked[n] = (DateTimeOffset.UtcNow, false);
                log.Debug($"peer exchange: cannot ask {n}: {e.Message}");
            }
        })).ConfigureAwait(false);
    }
}
