using System.Net;
using Vifibnet.Addressing;
using Vifibnet.Peers;
using Vifibnet.Protocol;
using Vifibnet.Routing;
using Vifibnet.Tunnels;

namespace Vifibnet.Tests.Tunnels;

/// <summary>
/// The manager's bookkeeping around the real policy and a real peers.db. The openvpn processes are
/// replaced by a stand-in launcher (the process boundary) so each transition can be forced;
/// NodeMeshTests runs the same manager over real openvpn.
/// </summary>
public sealed class TunnelManagerTests : IDisposable
{
    static readonly NetworkPrefix Network = NetworkPrefix.Parse("2001:db8:42::/48");
    readonly string dir = Directory.CreateTempSubdirectory("vifibnet-tunnels-").FullName;
    readonly PeerDb db;
    readonly Launcher launcher = new();
    List<BabelRoute> routes = [];

    public TunnelManagerTests()
    {
        db = PeerDb.Open(Path.Combine(dir, "peers.db"));
        db.AddOrUpdate(Enumerable.Range(1, 6).Select(n => new Peer(Prefix(n), $"198.51.100.{n},1194,udp")));
    }

    static string Prefix(int n) => new NodePrefix(n, 16).ToBinary();

    sealed class StandInTunnel(string device, string peer) : ITunnelHandle
    {
        public string Device { get; } = device;
        public string Peer { get; } = peer;
        public bool Connected, Stopped;
        public int? Exit;
        public long Bytes;
        public bool HasExited => Exit is not null || Stopped;
        public int? ExitCode => Exit ?? (Stopped ? 0 : null);
        public Task<bool> IsConnectedAsync(CancellationToken cancel) => Task.FromResult(Connected);
        public (long Rx, long Tx) ReadCounters() => (Bytes, 0);
        public IPAddress? ExternalIp() => Connected ? IPAddress.Parse("203.0.113.9") : null;
        public int Reloads;
        public void Reload() => Reloads++;
        public Task StopAsync() { Stopped = true; return Task.CompletedTask; }
        public void Dispose() { }
    }

    sealed class Launcher : ITunnelLauncher
    {
        public readonly List<StandInTunnel> Started = [];
        public ITunnelHandle Start(string device, Peer peer)
        {
            var t = new StandInTunnel(device, peer.Prefix);
            Started.Add(t);
            return t;
        }
        public StandInTunnel Live(string peer) => Started.Last(t => t.Peer == peer && !t.HasExited);
    }

    HashSet<string> incoming = [];

    TunnelManager Manager(int connectionCount = 4, double refreshRate = 0.05, string[]? lan = null) =>
        new(Network, Prefix(1), lan ?? [], connectionCount, refreshRate, TimeSpan.FromMinutes(5), db, launcher, new TunnelPolicy(),
            _ => Task.FromResult<IReadOnlyList<BabelRoute>>(routes), new Random(7), Vifibnet.Logging.Logger.Null,
            _ => Task.FromResult<IReadOnlyCollection<string>>(incoming));

    [Fact]
    public async Task PeersAlreadyConnectedToOurServersGetNoSecondTunnel()
    {
        incoming = [Prefix(2), Prefix(3), Prefix(4), Prefix(5)];
        var m = Manager(connectionCount: 6);
        var changes = await m.TickAsync(refresh: false, default);
        Assert.Equal([Prefix(6)], changes.Opened);
        Assert.Equal(PeerState.Unused, db.Find(Prefix(2))!.State);

        // Once a client leaves our server, it is a candidate again.
        incoming.Remove(Prefix(3));
        Assert.Equal([Prefix(3)], (await m.TickAsync(refresh: false, default)).Opened);
    }

    [Fact]
    public async Task TunnelsOpenedByBothEndsAtOnceLeaveOneTheHigherPrefixClosesItsOwn()
    {
        var m = Manager(connectionCount: 6); // we are prefix 1, the lowest: we keep ours
        var opened = (await m.TickAsync(refresh: false, default)).Opened;
        Assert.Equal(3, opened.Count);
        incoming = [.. opened];
        var next = await m.TickAsync(refresh: false, default);
        Assert.Empty(next.Closed);
        Assert.Equal(3, m.Snapshot().Count);

        // Seen from the other end (prefix 7, higher than every peer): it closes its client tunnel to the
        // peer that also connected to it, and opens one to a peer it is not linked to yet.
        db.AddOrUpdate(new Peer(Prefix(1), "198.51.100.1,1194,udp"));
        var high = new TunnelManager(Network, Prefix(7), [], 2, 0.05, TimeSpan.FromMinutes(5), db, launcher, new TunnelPolicy(),
            _ => Task.FromResult<IReadOnlyList<BabelRoute>>(routes), new Random(7), Vifibnet.Logging.Logger.Null,
            _ => Task.FromResult<IReadOnlyCollection<string>>(incoming));
        foreach (var p in opened) db.MarkUnused(p);
        incoming = [];
        var mine = Assert.Single((await high.TickAsync(refresh: false, default)).Opened);
        incoming = [mine];
        var dedup = await high.TickAsync(refresh: false, default);
        Assert.Equal([mine], dedup.Closed);
        Assert.True(launcher.Started.Last(t => t.Peer == mine).Stopped);
        Assert.Equal(PeerState.Unused, db.Find(mine)!.State);
        var replacement = Assert.Single(dedup.Opened);
        Assert.NotEqual(mine, replacement);
    }

    [Fact]
    public async Task ACutOffNodeRetryingFlaggedPeersSkipsThoseConnectedToItsServers()
    {
        foreach (var n in Enumerable.Range(2, 5)) db.Flag(Prefix(n));
        incoming = [Prefix(2), Prefix(3), Prefix(4)];
        var changes = await Manager(connectionCount: 6).TickAsync(refresh: false, default);
        Assert.Equal([Prefix(5), Prefix(6)], changes.Opened.Order());
    }

    [Fact]
    public async Task OpensHalfTheConnectionCountToUnusedPeersNeverItself()
    {
        var m = Manager(connectionCount: 5);
        var changes = await m.TickAsync(refresh: false, default);
        Assert.Equal(3, changes.Opened.Count);
        Assert.DoesNotContain(Prefix(1), changes.Opened);
        Assert.Equal(["vifib-c0", "vifib-c1", "vifib-c2"], launcher.Started.Select(t => t.Device).Order());
        Assert.All(changes.Opened, p => Assert.Equal(PeerState.Used, db.Find(p)!.State));
        Assert.All(m.Snapshot(), t => Assert.Equal("connecting", t.State));
        Assert.Empty((await m.TickAsync(false, default)).Opened);
    }

    [Fact]
    public async Task TheUsersListShowsATunnelUpAsSoonAsOpenvpnIsConnectedWithoutTakingThePassesNews()
    {
        var m = Manager();
        await m.TickAsync(false, default);
        launcher.Started[0].Connected = true;
        // The pass has not looked yet: its own view still says connecting, the user's list asks openvpn.
        Assert.All(m.Snapshot(), t => Assert.Equal("connecting", t.State));
        var listed = await m.SnapshotAsync(default);
        Assert.Equal(["up", "connecting"], listed.OrderBy(t => t.Interface, StringComparer.Ordinal).Select(t => t.State));
        // Asking changed nothing: the next pass still sees the new connection, and bounces its tap for babel.
        var changes = await m.TickAsync(false, default);
        Assert.Equal(1, changes.NewlyConnected);
        Assert.Equal([launcher.Started[0].Device], changes.NewTaps);
    }

    [Fact]
    public async Task ConnectedTunnelsAreUpAndReportTheExternalIp()
    {
        var m = Manager();
        await m.TickAsync(false, default);
        foreach (var t in launcher.Started) t.Connected = true;
        var changes = await m.TickAsync(false, default);
        Assert.Equal(2, changes.NewlyConnected);
        Assert.Equal(["vifib-c0", "vifib-c1"], changes.NewTaps.Order()); // bounced once for babel's handshake
        Assert.All(m.Snapshot(), t => Assert.Equal("up", t.State));
        Assert.Equal([IPAddress.Parse("203.0.113.9"), IPAddress.Parse("203.0.113.9")], m.ExternalIps()); // one vote per tunnel
    }

    [Fact]
    public async Task ARenewalReloadsEachTunnelOnceInPlaceAndItIsUpAgainOnlyOnceConnected()
    {
        var m = Manager();
        await m.TickAsync(false, default);
        foreach (var t in launcher.Started) t.Connected = true;
        await m.TickAsync(false, default);
        await Task.Delay(5);
        var renewedAt = DateTimeOffset.UtcNow; // the tunnels were opened before the renewal

        var first = m.ReloadOneLoadedBefore(renewedAt);
        Assert.NotNull(first);
        Assert.False(m.IsConnected(first)); // reconnecting on the new certificate
        Assert.Equal("connecting", m.Snapshot().Single(t => t.Peer == first).State);
        var second = m.ReloadOneLoadedBefore(renewedAt);
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Null(m.ReloadOneLoadedBefore(renewedAt));
        // Reloaded in place: no process stopped or started, each reloaded exactly once.
        Assert.Equal(2, launcher.Started.Count);
        Assert.All(launcher.Started, t => Assert.Equal((1, false), (t.Reloads, t.Stopped)));
        var reconnected = await m.TickAsync(false, default);
        Assert.Equal(2, reconnected.NewlyConnected);
        Assert.Empty(reconnected.NewTaps); // the same taps, whose routes babel keeps: not bounced
        Assert.True(m.IsConnected(first));
    }

    [Fact]
    public async Task DeadTunnelIsFlaggedAndReplacedBeforeTheNextRefresh()
    {
        var m = Manager();
        await m.TickAsync(false, default);
        var dead = launcher.Started[0];
        dead.Exit = 1; // ping-exit or connection failure
        var changes = await m.TickAsync(refresh: false, default);
        Assert.Equal([dead.Peer], changes.Flagged);
        Assert.Contains(dead.Peer, changes.Closed);
        Assert.Single(changes.Opened);
        Assert.NotEqual(dead.Peer, changes.Opened[0]);
        Assert.Equal(dead.Device, launcher.Live(changes.Opened[0]).Device); // its device slot is reused
        Assert.Equal(PeerState.Flagged, db.Find(dead.Peer)!.State);
    }

    [Fact]
    public async Task ANodeCutOffWithEveryPeerFlaggedTriesFlaggedPeersAgain()
    {
        var m = Manager(connectionCount: 2);
        foreach (var n in Enumerable.Range(2, 5)) db.Flag(Prefix(n), TimeSpan.FromMinutes(5));
        var changes = await m.TickAsync(false, default);
        var peer = Assert.Single(changes.Opened);
        Assert.Contains(peer, Enumerable.Range(2, 5).Select(Prefix));
        Assert.Equal(peer, Assert.Single(m.Snapshot()).Peer);

        // Once it holds a live tunnel again, flagged peers wait for their flags to expire as usual.
        Assert.Empty((await m.TickAsync(false, default)).Opened);
        launcher.Live(peer).Exit = 1;
        changes = await m.TickAsync(false, default);
        Assert.Equal([peer], changes.Flagged);
        Assert.Single(changes.Opened); // cut off again: the fallback opens one more
    }

    [Fact]
    public async Task FlaggedPeersAreLeftAloneWhileAnyTunnelIsAlive()
    {
        var m = Manager(connectionCount: 4);
        foreach (var n in Enumerable.Range(3, 4)) db.Flag(Prefix(n), TimeSpan.FromMinutes(5));
        var changes = await m.TickAsync(false, default);
        Assert.Equal([Prefix(2)], changes.Opened);
        Assert.Empty((await m.TickAsync(false, default)).Opened);
        Assert.All(Enumerable.Range(3, 4), n => Assert.Equal(PeerState.Flagged, db.Find(Prefix(n))!.State));
    }

    [Fact]
    public async Task KilledOpenVpnIsACrashNotADeadPeer()
    {
        var m = Manager(connectionCount: 2);
        await m.TickAsync(false, default);
        var crashed = launcher.Started[0];
        crashed.Exit = 137;
        var changes = await m.TickAsync(false, default);
        Assert.Equal([crashed.Peer], changes.Crashed);
        Assert.Empty(changes.Flagged);
        Assert.NotEqual(PeerState.Flagged, db.Find(crashed.Peer)!.State);
        Assert.Single(m.Snapshot());
    }

    [Fact]
    public async Task PeersReachedOverALanInterfaceAreNotTunnelledTo()
    {
        // Babel learned peers 2..5 over eth1 (installed or not): only peer 6 is left to tunnel to.
        routes = [.. Enumerable.Range(2, 4).Select(n => new BabelRoute(OverlayAddress.For(Network, new NodePrefix(n, 16)), 128, "eth1", n % 2 == 0))];
        var m = Manager(connectionCount: 6, lan: ["eth1"]);
        var changes = await m.TickAsync(false, default);
        Assert.Equal([Prefix(6)], changes.Opened);
    }

    [Fact]
    public async Task TunnelOpenedBeforeThePeerShowedUpOnTheLanIsClosed()
    {
        var m = Manager(connectionCount: 2, lan: ["eth1"]);
        await m.TickAsync(false, default);
        var peer = launcher.Started[0].Peer;
        routes = [new BabelRoute(OverlayAddress.For(Network, NodePrefix.ParseBinary(peer)), 128, "eth1", true)];
        var changes = await m.TickAsync(false, default);
        Assert.Contains(peer, changes.Closed);
        Assert.True(launcher.Started[0].Stopped);
        Assert.DoesNotContain(peer, changes.Opened);
        Assert.DoesNotContain(m.Snapshot(), t => t.Peer == peer);
    }

    [Fact]
    public async Task RefreshDropsTheTunnelCarryingFewestRoutesAndKeepsTheBusiest()
    {
        var m = Manager(connectionCount: 8, refreshRate: 0.25);
        await m.TickAsync(false, default);
        var t = launcher.Started;
        Assert.Equal(4, t.Count);
        // Tunnel 0 is the busiest; tunnel 1 carries no route; the others carry two each.
        t[0].Bytes = 1_000_000;
        routes = [.. t.Skip(2).SelectMany(x => new[] { Route(x.Device, 9), Route(x.Device, 10) }), Route(t[0].Device, 11)];
        var changes = await m.TickAsync(refresh: true, default);
        Assert.Equal([t[1].Peer], changes.Closed);
        Assert.Empty(changes.Flagged);
        Assert.Single(changes.Opened);
        Assert.Equal(2, m.Snapshot().Single(x => x.Interface == t[2].Device).Routes);
    }

    static BabelRoute Route(string device, int node) => new(OverlayAddress.For(Network, new NodePrefix(node, 16)), 128, device, true);

    [Fact]
    public async Task StopAllLeavesEveryPeerUnused()
    {
        var m = Manager();
        await m.TickAsync(false, default);
        await m.StopAllAsync();
        Assert.All(launcher.Started, t => Assert.True(t.Stopped));
        Assert.All(db.All(), p => Assert.Equal(PeerState.Unused, p.State));
        Assert.Empty(m.Snapshot());
    }

    public void Dispose()
    {
        db.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
