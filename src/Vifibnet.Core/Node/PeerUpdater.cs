using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Protocol;

namespace Vifibnet.Node;

/// <summary>
/// Declares our address to the registry and refreshes the peer DB from it (the seed's db.refresh):
/// the peer list, plus the bootstrap peer when the DB is empty. Used by the running daemon on its
/// --peers-db-refresh timer and by `peers update` on a stopped node.
/// </summary>
public sealed class PeerUpdater(IRegistryClient registry, PeerDb db, string selfPrefix, Logger log)
{
    /// <summary>How many peers to ask for at each refresh.</summary>
    public const int PeerListSize = 100;

    /// <summary>Declares <paramref name="address"/> (when known) and merges the registry's peers; throws <see cref="RegistryCallException"/>.</summary>
    public async Task<PeersUpdateResult> UpdateAsync(string? address, CancellationToken cancel)
    {
        if (address is not null)
        {
            await registry.DeclareAsync(address, cancel).ConfigureAwait(false);
            log.Debug($"declared {address} to the registry");
        }
        var peers = (await registry.GetPeerListAsync(PeerListSize, cancel).ConfigureAwait(false)).Where(p => p.Prefix != selfPrefix).ToList();
        var added = db.AddOrUpdate(peers.Select(p => new Peer(p.Prefix, p.Address)));
        var bootstrap = false;
        if (db.Count == 0)
        {
            var boot = await registry.GetBootstrapPeerAsync(cancel).ConfigureAwait(false);
            if (boot is not null && boot.Prefix != selfPrefix)
            {
                db.AddBootstrap(new Peer(boot.Prefix, boot.Address));
                bootstrap = true;
                added++;
                log.Info($"peer DB was empty: added bootstrap peer {boot.Prefix}");
            }
        }
        log.Info($"peer DB refreshed: {peers.Count} peers from the registry, {added} new, {db.Count} known");
        return new PeersUpdateResult(address, peers.Count, added, db.Count, bootstrap);
    }
}
