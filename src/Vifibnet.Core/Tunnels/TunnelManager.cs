using System.Net;
using Vifibnet.Addressing;
using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Routing;

namespace Vifibnet.Tunnels;

/// <summary>
/// Our client tunnels: their bookkeeping (device slots, peer DB marks, traffic since the last
/// refresh), the daemon's state handed to the pure <see cref="ITunnelPolicy"/>, and its decision
/// carried out. The daemon calls <see cref="TickAsync"/> every few seconds (dead tunnels replaced
/// at once) and with refresh=true every --tunnel-refresh.
/// </summary>
public sealed class TunnelManager
{
    /// <summary>Client tap devices are vifib-c0, vifib-c1 ...: known in advance so babeld can be told them at start.</summary>
    public const string DevicePrefix = "vifib-c";

    /// <summary>Whether <paramref name="device"/> is a client tunnel's tap (the peer's alone, unlike a server's).</summary>
    public static bool IsClientTap(string device) => device.StartsWith(DevicePrefix, StringComparison.Ordinal);

    sealed class Tunnel(string peer, string remote, ITunnelHandle handle, DateTimeOffset since)
    {
        public string Peer { get; } = peer;
        public string Remote { get; } = remote;
        public ITunnelHandle Handle { get; } = handle;
        public DateTimeOffset Since { get; } = since;
        /// <summary>When its openvpn last read the certificate: <see cref="Since"/>, or its last reload.</summary>
        public DateTimeOffset LoadedAt = since;
        public bool Connected;
        /// <summary>Whether it was ever up: a reload (renewal) reconnects on the same tap, not a new one.</summary>
        public bool WasConnected;
        public long TrafficBaseline;
    }

    readonly NetworkPrefix network;
    readonly string self;
    readonly IReadOnlyList<string> lanInterfaces;
    readonly int connectionCount;
    readonly TimeSpan flagDuration;
    readonly PeerDb db;
    readonly ITunnelLauncher launcher;
    readonly ITunnelPolicy policy;
    readonly Func<CancellationToken, Task<IReadOnlyList<BabelRoute>>> routes;
    readonly Func<CancellationToken, Task<IReadOnlyCollection<string>>> incomingPeers;
    readonly Random random;
    readonly Logger log;
    readonly Dictionary<string, Tunnel> tunnels = [];
    readonly object gate = new();
    IReadOnlyDictionary<string, int> routeCounts = new Dictionary<string, int>();

    /// <summary>babel's routes as the last <see cref="TickAsync"/> read them.</summary>
    public IReadOnlyList<BabelRoute> LastRoutes { get; private set; } = [];

    /// <summary>The peers connected to our servers at the last <see cref="TickAsync"/>.</summary>
    public IReadOnlyCollection<string> LastIncoming { get; private set; } = [];

    public TunnelManager(NetworkPrefix network, string selfPrefix, IReadOnlyList<string> lanInterfaces, int connectionCount,
        double refreshRate, TimeSpan flagDuration, PeerDb db, ITunnelLauncher launcher, ITunnelPolicy policy,
        Func<CancellationToken, Task<IReadOnlyList<BabelRoute>>> routes, Random random, Logger log,
        Func<CancellationToken, Task<IReadOnlyCollection<string>>>? incomingPeers = null)
    {
        (this.network, self, this.lanInterfaces, this.connectionCount, RefreshRate, this.flagDuration) =
            (network, selfPrefix, lanInterfaces, connectionCount, refreshRate, flagDuration);
        (this.db, this.launcher, this.policy, this.routes, this.random, this.log) = (db, launcher, policy, routes, random, log);
        this.incomingPeers = incomingPeers ?? (_ => Task.FromResult<IReadOnlyCollection<string>>([]));
    }

    /// <summary>Share of tunnels replaced at each refresh; the network configuration may change it while the node runs.</summary>
    public double RefreshRate { get; set; }

    /// <summary>Every client device name this node may use, for babeld's command line.</summary>
    public static IEnumerable<string> AllDevices(int connectionCount) =>
        Enumerable.Range(0, Math.Max(1, TunnelPolicy.ClientTarget(connectionCount))).Select(i => DevicePrefix + i);

    /// <summary>One pass: notice dead and newly connected tunnels, ask the policy, close and open tunnels.</summary>
    public async Task<TunnelChanges> TickAsync(bool refresh, CancellationToken cancel)
    {
        List<Tunnel> current;
        lock (gate) current = [.. tunnels.Values];
        var newlyConnected = 0;
        var newTaps = new List<string>();
        foreach (var t in current.Where(t => !t.Connected && !t.Handle.HasExited))
            if (await t.Handle.IsConnectedAsync(cancel).ConfigureAwait(false))
            {
                t.Connected = true;
                newlyConnected++;
                if (!t.WasConnected) newTaps.Add(t.Handle.Device);
                t.WasConnected = true;
                log.Info($"tunnel to {t.Peer} is up on {t.Handle.Device}");
            }

        var allRoutes = await routes(cancel).ConfigureAwait(false);
        LastRoutes = allRoutes;
        routeCounts = BabelRoute.CountInstalledByDevice(allRoutes);
        var lanPeers = LanPeers(allRoutes);
        var closed = new List<string>();
        foreach (var t in current.Where(t => lanPeers.Contains(t.Peer)))
        {
            // Opened before babel found the peer on the LAN: the LAN carries it, the tunnel is not needed.
            log.Info($"closing tunnel to {t.Peer} on {t.Handle.Device}: the peer is reachable over a LAN interface");
            await CloseAsync(t).ConfigureAwait(false);
            closed.Add(t.Peer);
        }
        current.RemoveAll(t => lanPeers.Contains(t.Peer));
        // A peer already connected to one of our servers is linked to us: a client tunnel to it would be a second one.
        var incoming = (await incomingPeers(cancel).ConfigureAwait(false)).ToHashSet();
        LastIncoming = incoming;
        foreach (var t in current.Where(t => incoming.Contains(t.Peer) && string.CompareOrdinal(self, t.Peer) > 0).ToList())
        {
            // Both ends opened a tunnel to the other in the same moment: both see the pair twice, and only
            // the end with the higher prefix closes its own, so exactly one tunnel stays.
            log.Info($"closing tunnel to {t.Peer} on {t.Handle.Device}: the peer also connected to our server (one tunnel per pair)");
            await CloseAsync(t).ConfigureAwait(false);
            closed.Add(t.Peer);
            current.Remove(t);
        }
        var crashed = current.Where(t => t.Handle.HasExited && t.Handle.ExitCode >= 128).Select(t => t.Peer).ToHashSet();
        var views = current.Select(t => new TunnelView(t.Peer, !t.Handle.HasExited,
            routeCounts.GetValueOrDefault(t.Handle.Device), Traffic(t))).ToList();
        bool Eligible(string p) => p != self && !lanPeers.Contains(p) && !incoming.Contains(p);
        var candidates = db.Unused().Select(p => p.Prefix).Where(Eligible).ToList();
        if (candidates.Count == 0 && !views.Any(v => v.Alive))
        {
            // Cut off with every peer flagged (a small mesh after a few faults): waiting for the flags
            // to expire would keep this node out for a whole --tunnel-refresh, so try flagged peers again.
            candidates = [.. db.All().Where(p => p.State == PeerState.Flagged && Eligible(p.Prefix)).Select(p => p.Prefix)];
            if (candidates.Count > 0) log.Info($"no tunnel left and every peer flagged: trying {candidates.Count} flagged peers again");
        }
        var decision = policy.Decide(new PolicyInput(views, candidates, connectionCount, RefreshRate, refresh), random);

        foreach (var peer in decision.Close)
        {
            Tunnel? t;
            lock (gate) t = tunnels.GetValueOrDefault(peer);
            if (t is null) continue;
            if (!t.Handle.HasExited) log.Info($"closing tunnel to {peer} on {t.Handle.Device} (refresh: least useful)");
            else if (crashed.Contains(peer)) log.Warning($"openvpn for the tunnel to {peer} on {t.Handle.Device} was killed (exit {t.Handle.ExitCode}); reopening");
            else log.Info($"tunnel to {peer} on {t.Handle.Device} died (exit {t.Handle.ExitCode}); peer flagged for {flagDuration.TotalSeconds:0} s");
            await CloseAsync(t).ConfigureAwait(false);
            closed.Add(peer);
        }
        var flagged = decision.Flag.Where(p => !crashed.Contains(p)).ToList();
        foreach (var peer in flagged) db.Flag(peer, flagDuration);

        var opened = new List<string>();
        var addresses = db.All().Where(p => p.State is PeerState.Unused or PeerState.Flagged).ToDictionary(p => p.Prefix, p => p.Address);
        foreach (var peer in decision.Open)
        {
            var device = FreeDevice();
            if (device is null || !addresses.TryGetValue(peer, out var address)) continue;
            try
            {
                var handle = launcher.Start(device, new Peer(peer, address));
                lock (gate) tunnels[peer] = new Tunnel(peer, address, handle, DateTimeOffset.UtcNow);
                db.MarkUsed(peer);
                opened.Add(peer);
                log.Info($"opening tunnel to {peer} ({address}) on {device}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One peer with an address openvpn cannot use must not stop the others.
                log.Warning($"cannot open a tunnel to {peer} ({address}): {e.Message}; peer flagged", e);
                db.Flag(peer, flagDuration);
            }
        }
        if (refresh)
            lock (gate)
                foreach (var t in tunnels.Values) t.TrafficBaseline = Total(t.Handle.ReadCounters());
        return new TunnelChanges(opened, closed, flagged, [.. crashed], newlyConnected) { NewTaps = newTaps };
    }

    async Task CloseAsync(Tunnel t)
    {
        lock (gate) tunnels.Remove(t.Peer);
        await t.Handle.StopAsync().ConfigureAwait(false);
        t.Handle.Dispose();
        db.MarkUnused(t.Peer);
    }

    /// <summary>Peers babel reaches over a LAN interface (-i): they need no tunnel.</summary>
    HashSet<string> LanPeers(IReadOnlyList<BabelRoute> all)
    {
        var onLan = all.Where(r => lanInterfaces.Contains(r.Device) && network.Contains(r.Destination)).Select(r => r.Destination).ToList();
        if (onLan.Count == 0) return [];
        var result = new HashSet<string>();
        foreach (var peer in db.All())
        {
            NetworkPrefix subnet;
            try { subnet = network.Append(NodePrefix.ParseBinary(peer.Prefix)); }
            catch (AddressingException) { continue; }
            if (onLan.Any(subnet.Contains)) result.Add(peer.Prefix);
        }
        return result;
    }

    string? FreeDevice()
    {
        lock (gate)
        {
            var used = tunnels.Values.Select(t => t.Handle.Device).ToHashSet();
            return AllDevices(connectionCount).FirstOrDefault(d => !used.Contains(d));
        }
    }

    static long Total((long Rx, long Tx) c) => c.Rx + c.Tx;

    static long Traffic(Tunnel t) => Math.Max(0, Total(t.Handle.ReadCounters()) - t.TrafficBaseline);

    /// <summary>Our client tunnels as the last pass saw them.</summary>
    public IReadOnlyList<TunnelInfo> Snapshot()
    {
        lock (gate) return [.. tunnels.Values.OrderBy(t => t.Handle.Device, StringComparer.Ordinal).Select(t => Info(t, t.Connected))];
    }

    /// <summary>
    /// Our client tunnels now, for the user (`vifibnet tunnels`, Get-VifibTunnel): a tunnel the last pass saw connecting is
    /// asked again, since the mesh may route over it up to a tick (2 s) before the pass counts it "up". Asking changes
    /// nothing: the pass still notices the connection and acts on it.
    /// </summary>
    public async Task<IReadOnlyList<TunnelInfo>> SnapshotAsync(CancellationToken cancel)
    {
        List<Tunnel> current;
        lock (gate) current = [.. tunnels.Values.OrderBy(t => t.Handle.Device, StringComparer.Ordinal)];
        var list = new List<TunnelInfo>(current.Count);
        foreach (var t in current)
            list.Add(Info(t, t.Connected || (!t.Handle.HasExited && await t.Handle.IsConnectedAsync(cancel).ConfigureAwait(false))));
        return list;
    }

    TunnelInfo Info(Tunnel t, bool connected)
    {
        var (rx, tx) = t.Handle.ReadCounters();
        var state = t.Handle.HasExited ? "dead" : connected ? "up" : "connecting";
        return new TunnelInfo(t.Peer, t.Handle.Device, "client", t.Remote, state, t.Since, routeCounts.GetValueOrDefault(t.Handle.Device), rx, tx);
    }

    /// <summary>Our addresses as the servers we connect to saw them.</summary>
    public IReadOnlyList<IPAddress> ExternalIps()
    {
        lock (gate) return [.. tunnels.Values.Select(t => t.Handle.ExternalIp()).OfType<IPAddress>()];
    }

    /// <summary>Closes the tunnels to these peers (revoked): they are not reopened while the peer DB does not offer them.</summary>
    public async Task<int> CloseTunnelsToAsync(IReadOnlySet<string> peers)
    {
        List<Tunnel> doomed;
        lock (gate) doomed = [.. tunnels.Values.Where(t => peers.Contains(t.Peer))];
        foreach (var t in doomed)
        {
            log.Info($"closing tunnel to {t.Peer} on {t.Handle.Device}: its certificate is revoked");
            await CloseAsync(t).ConfigureAwait(false);
        }
        return doomed.Count;
    }

    /// <summary>
    /// Whether openvpn itself knows the tunnel on <paramref name="device"/> is reconnecting (reloaded on a renewed
    /// certificate, or told to by the peer's reloading server): not a silent cut, and its tap stays.
    /// </summary>
    public async Task<bool> IsReconnectingAsync(string device, CancellationToken cancel)
    {
        Tunnel? t;
        lock (gate) t = tunnels.Values.FirstOrDefault(x => x.Handle.Device == device);
        return t is not null && !t.Handle.HasExited && !await t.Handle.IsConnectedAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Whether the tunnel to <paramref name="peer"/> is open and connected.</summary>
    public bool IsConnected(string peer)
    {
        lock (gate) return tunnels.TryGetValue(peer, out var t) && t.Connected && !t.Handle.HasExited;
    }

    /// <summary>
    /// Reloads one live tunnel whose openvpn read its certificate before <paramref name="since"/> (a renewal):
    /// same process, peer and device, reconnecting on the renewed certificate; returns the peer, or null when
    /// every tunnel is newer.
    /// </summary>
    public string? ReloadOneLoadedBefore(DateTimeOffset since)
    {
        Tunnel? old;
        lock (gate) old = tunnels.Values.Where(t => t.LoadedAt < since && !t.Handle.HasExited).OrderBy(t => t.LoadedAt).FirstOrDefault();
        if (old is null) return null;
        // Same process, same tap (see ITunnelHandle.Reload): the device and its routes stay while it reconnects.
        old.Handle.Reload();
        lock (gate) (old.LoadedAt, old.Connected) = (DateTimeOffset.UtcNow, false); // "up" again once the tick sees it connected
        log.Info($"restarted tunnel to {old.Peer} on {old.Handle.Device} (renewed certificate)");
        return old.Peer;
    }

    /// <summary>Closes every tunnel (clean stop); the peers become unused again.</summary>
    public async Task StopAllAsync()
    {
        List<Tunnel> all;
        lock (gate)
        {
            all = [.. tunnels.Values];
            tunnels.Clear();
        }
        await Task.WhenAll(all.Select(t => t.Handle.StopAsync())).ConfigureAwait(false);
        foreach (var t in all)
        {
            t.Handle.Dispose();
            db.MarkUnused(t.Peer);
        }
    }
}
