using System.Net;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Exchange;
using Vifibnet.Logging;
using Vifibnet.Nat;
using Vifibnet.OpenVpn;
using Vifibnet.Peers;
using Vifibnet.Processes;
using Vifibnet.Protocol;
using Vifibnet.Routing;
using Vifibnet.Tunnels;

namespace Vifibnet.Node;

/// <summary>
/// The node daemon (the seed's vifibnet.py): puts the node's overlay address on lo, runs one
/// openvpn server per --pp and babeld, keeps client tunnels to peers through the
/// <see cref="TunnelManager"/>, talks to the registry, and answers its control socket.
/// One <see cref="RunAsync"/> per instance; the CLI, the PowerShell job and the tests all drive it.
/// </summary>
public sealed partial class NodeDaemon
{
    /// <summary>How often dead tunnels and children are looked for.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(2);

    /// <summary>How soon a failed registry request is retried (the seed's 30 s).</summary>
    public static readonly TimeSpan RegistryRetry = TimeSpan.FromSeconds(30);

    // The options in force: the command line's, with the network configuration's values where the command line gave none.
    NodeOptions options;
    readonly NodeOptions localOptions;
    readonly NodePaths paths;
    BabelSettings babelSettings;
    OpenVpnSettings openVpnSettings;
    readonly ITunnelPolicy policy;
    IRegistryClient? registry;
    bool ownsRegistry;
    readonly Logger rootLog;
    readonly SemaphoreSlim registryGate = new(1, 1);
    readonly IPortForwarder? portForwarderOverride;
    IPortForwarder? forwarder;
    Task? forwarding;
    CancellationTokenSource? stopForwarding;
    volatile IReadOnlyList<PeerAddress> mappedAddresses = [];
    volatile bool mappedAddressesChanged;
    Logger log;
    NodeServers? servers;
    BabelProcess? babel;
    IReadOnlyList<string>? babelArgs;
    TunnelManager? tunnels;
    FailoverRoutes? failover;
    StarvedRoutes? starved;
    LinkProbe? probe;
    readonly SemaphoreSlim probeEvents = new(0);
    // Peers the probe found silent while their tunnel was reconnecting (not acted upon, nor their recovery).
    readonly HashSet<string> reconnectSilences = [];
    // The babel neighbours last heard on each interface: a new one on a client tunnel's tap is its peer restarted.
    readonly RestartedPeers restartedPeers = new(TunnelManager.IsClientTap);
    // The neighbours of the tunnel pass's own babeld dump (one dump a tick serves both).
    IReadOnlyList<BabelNeighbour> lastNeighbours = [];
    IReadOnlyDictionary<string, FailoverRoutes.Neighbour> peerNeighbours = new Dictionary<string, FailoverRoutes.Neighbour>();
    PeerDb? db;
    IPAddress? externalIp;
    readonly HashSet<IPAddress> refusedExternalIps = [];
    PeerExchange? exchange;
    PeerExchangeServer? exchangeServer;
    Task? exchangeLoop;
    CancellationTokenSource? stopExchange;
    DateTimeOffset nextPeerUpdate;
    DateTimeOffset? lastRegistryContact;
    string? lastRegistryError;
    // Certificate lifecycle (docs/lifecycle.md): renewal schedule, the rolling restart after it, the CRL.
    readonly SemaphoreSlim renewalGate = new(1, 1);
    NodeRevocations? revocations;
    DateTimeOffset? nextRenewal;
    int renewalFailures;
    string? lastRenewalError;
    DateTimeOffset? rollingSince;
    DateTimeOffset lastRollAt;
    string? lastRolledPeer;
    bool serversHaveCrl;
    // The network configuration signed by the CA (docs/lifecycle.md) and the babel key babeld uses now.
    NodeNetworkConfig? networkConfig;
    string? versionError;
    IReadOnlyList<string> babelInterfaces = [];

    /// <summary>
    /// A daemon for these options. Without <paramref name="registry"/>, --registry gets an HTTP client
    /// signed with the node's key; without <paramref name="portForwarder"/> and --ip, UPnP is tried.
    /// </summary>
    public NodeDaemon(NodeOptions options, Logger log, IRegistryClient? registry = null, ITunnelPolicy? policy = null,
        IPortForwarder? portForwarder = null)
    {
        portForwarderOverride = portForwarder;
        this.options = localOptions = options.Validate();
        paths = NodePaths.Of(options);
        babelSettings = ChildSettings.Babel(options, paths);
        openVpnSettings = ChildSettings.OpenVpn(options, paths);
        this.registry = registry;
        this.policy = policy ?? new TunnelPolicy();
        rootLog = this.log = log;
    }

    public NodeState State { get; private set; } = NodeState.Stopped;

    /// <summary>Whether the daemon writes its own log file (vifibnet.log in the log dir); off under systemd, whose journal keeps the lines.</summary>
    public bool FileLog { get; init; } = true;

    /// <summary>Raised on every state change (the PowerShell job reports it).</summary>
    public event Action<NodeState>? StateChanged;

    /// <summary>Why the daemon failed to start, when <see cref="State"/> is Failed.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Who this node is, once started.</summary>
    public NodeIdentity? Identity { get; private set; }

    /// <summary>Runs until <paramref name="cancel"/> fires, then stops every child; throws when start-up fails.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        if (State != NodeState.Stopped) throw new InvalidOperationException($"the node daemon is {State}; RunAsync runs once at a time");
        SetState(NodeState.Starting);
        using var fileLog = StartFileLog();
        ControlServer? control = null;
        try
        {
            await RenewExpiredBeforeStartAsync(cancel).ConfigureAwait(false);
            Identity = NodeStartup.CheckIdentity(options, DateTimeOffset.UtcNow);
            NodeStartup.CheckTools();
            if (registry is null && options.Registry is not null)
            {
                registry = NodeRegistry.Create(options);
                ownsRegistry = true;
            }
            OwnerOnly.CreateDirectory(paths.RunDir);
            NodeStartup.KillLeftovers(paths, log);
            HookScript.Write(openVpnSettings.HookScript, Tools.Find(Tools.Ip));
            db = PeerDb.Open(options.PeerDbPath, log.For("peers"));
            db.ResetUsed();
            db.Remove(Identity.Prefix.ToBinary());
            RememberConfig(db);
            await StartLifecycleAsync(cancel).ConfigureAwait(false);
            log.Info($"node {Identity.Prefix.ToBinary()} ({Identity.Address}) on network {Identity.Network}; {db.Count} peers known");
            control = ControlServer.Start(options.ControlSocketPath, HandleControlAsync, log.For("control"));
            OverlayInterface.Add(Identity.Address);
            serversHaveCrl = File.Exists(paths.CrlFile);
            failover = new FailoverRoutes(options.Hello, log.For("failover"));
            failover.Start();
            starved = new StarvedRoutes(log.For("failover"));
            if (options.ProbeTimeout > TimeSpan.Zero)
                probe = LinkProbe.Start(options.ProbeTimeout, () => probeEvents.Release(), log.For("probe"));
            servers = NodeServers.Start(options.Servers, openVpnSettings, log.For("openvpn"));
            StartPortForwarding();
            babelInterfaces = [.. servers.Devices, .. TunnelManager.AllDevices(options.ConnectionCount), .. options.Interfaces];
            babelArgs = BabelArguments.Build(babelSettings, Identity.Network, Identity.Subnet, Identity.Address, babelInterfaces);
            babel = BabelProcess.Start(babelArgs, babelSettings, log.For("babeld"), babelInterfaces);
            tunnels = new TunnelManager(Identity.Network, Identity.Prefix.ToBinary(), options.Interfaces, options.ConnectionCount,
                options.RefreshRate, options.TunnelRefresh, db, new OpenVpnTunnelLauncher(openVpnSettings, Identity.Network, log.For("openvpn")),
                policy, DumpBabelAsync, Random.Shared, log.For("tunnels"),
                servers.ConnectedPeersAsync);
            if (options.Ips.Count == 0 && db.GetConfig("external-ip") is { } remembered && IPAddress.TryParse(remembered, out var ip)
                && UnderlayAddress.Check(ip, Identity.Network) is null)
                externalIp = ip;
            StartPeerExchange();
            SetState(NodeState.Running);
            await LoopAsync(cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        catch (Exception e) when (State == NodeState.Starting)
        {
            Failure = e;
            log.Error($"node cannot start: {e.Message}");
            await StopChildrenAsync(control).ConfigureAwait(false);
            SetState(NodeState.Failed);
            throw;
        }
        await StopChildrenAsync(control).ConfigureAwait(false);
        SetState(NodeState.Stopped);
    }

    async Task LoopAsync(CancellationToken cancel)
    {
        var nextRefresh = DateTimeOffset.UtcNow + options.TunnelRefresh;
        nextPeerUpdate = DateTimeOffset.UtcNow;
        // With LAN interfaces, give babel two hellos to hear the LAN's nodes before tunnelling to any of them.
        var firstTunnels = DateTimeOffset.UtcNow + (options.Interfaces.Count > 0 ? TimeSpan.FromSeconds(2 * options.Hello) : TimeSpan.Zero);
        var greetClientsUntil = DateTimeOffset.UtcNow + StartupClientGreeting;
        var greetedClients = new HashSet<string>();
        if (registry is not null && db!.Count == 0)
        {
            // An empty peer DB has nothing to open tunnels to: ask the registry before the first tunnel pass, not a tick after it.
            try { await UpdatePeersAsync(cancel).ConfigureAwait(false); }
            catch (RegistryCallException) { /* logged; retried in RegistryRetry */ }
        }
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var now = DateTimeOffset.UtcNow;
            await SuperviseAsync().ConfigureAwait(false);
            var refresh = now >= nextRefresh;
            if (refresh) nextRefresh = now + options.TunnelRefresh;
            try
            {
                var changes = now < firstTunnels ? TunnelChanges.None : await tunnels!.TickAsync(refresh, cancel).ConfigureAwait(false);
                if (changes.NewlyConnected > 0) babel!.CheckInterfacesNow();
                foreach (var tap in changes.NewTaps) _ = HurryHandshakeAsync(tap, cancel);
                GreetRestartedPeers(changes.NewTaps, now, cancel);
                // Our servers' first clients (a start, a reboot: every client is new, and their taps are not): the shared tap
                // is bounced the same way, which costs nothing while babel routes nothing through it. Once it does, a bounce
                // would cost the other clients their routes for a second or two (bench/mesh: pairs through a rebooted node
                // went dark again 10-14 s after its start), so the later clients' handshakes are not hurried on this side.
                if (now < greetClientsUntil && tunnels!.LastIncoming.Count(greetedClients.Add) > 0)
                    foreach (var tap in servers!.Devices) _ = HurryHandshakeAsync(tap, cancel, onlyWhileUnused: true);
                BridgeLostPeers(now, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The loop must outlive any one failure (a DB hiccup, a process that would not start).
                log.Error($"tunnel pass failed: {e.Message}", e);
            }
            LearnExternalIp();
            exchange?.Declare(AdvertisedAddress());
            if (mappedAddressesChanged)
            {
                mappedAddressesChanged = false;
                nextPeerUpdate = now; // declare the UPnP-mapped addresses at once
            }
            if (registry is not null && now >= nextPeerUpdate)
            {
                try { await UpdatePeersAsync(cancel).ConfigureAwait(false); }
                catch (RegistryCallException) { /* logged; retried in RegistryRetry */ }
            }
            await LifecycleTickAsync(cancel).ConfigureAwait(false);
            await SwitchBabelKeyIfDueAsync(cancel).ConfigureAwait(false);
            await WaitForNextTickAsync(cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Peers whose tunnel went (a server client dropped after --tunnel-timeout, a client tunnel's openvpn gone) get their
    /// routes bridged through babel's next best until babel itself notices (see <see cref="FailoverRoutes"/>).
    /// </summary>
    void BridgeLostPeers(DateTimeOffset now, CancellationToken cancel)
    {
        var routes = tunnels!.LastRoutes;
        // A client tunnel whose openvpn lives on but is not up is our own reload on a renewed certificate (or its first
        // connect, with no routes yet): back within seconds on the same tap. Bridged, its routes went through a
        // neighbour whose best route led back through us, and the loop outlived the reconnect (7-27 s silences
        // measured at renewals). A tunnel whose openvpn exited (peer gone, --ping-exit) is "dead" and still bridged.
        var connected = tunnels.Snapshot().Where(t => t.State != "dead").Select(t => t.Peer).Concat(tunnels.LastIncoming).ToHashSet();
        foreach (var (peer, neighbour) in peerNeighbours)
            if (!connected.Contains(peer)) failover!.Lost(peer, neighbour, now);
        failover!.Update(routes, now);
        // What no lost neighbour explains: prefixes babel routed and now has only unfeasible routes for (StarvedRoutes).
        // Our own subnet is never starved: routes neighbours echo back for it are ignored.
        if (routes.Count > 0)
            _ = starved!.Update([.. routes.Where(r => !Identity!.Subnet.Contains(r.Destination))], failover.Bridges.Select(b => b.Prefix).ToHashSet(), now, cancel);
        // Only the peers we have a tunnel with: a peer reached through another node has no tunnel of ours to lose.
        var subnets = new List<(string Peer, NetworkPrefix Subnet)>();
        foreach (var peer in connected)
        {
            try { subnets.Add((peer, Identity!.Network.Append(NodePrefix.ParseBinary(peer)))); }
            catch (AddressingException) { }
        }
        var neighbours = FailoverRoutes.NeighboursOf(routes, a => subnets.FirstOrDefault(s => s.Subnet.Contains(a)).Peer);
        if (neighbours.Count != peerNeighbours.Count)
            log.Debug($"tunnel neighbours babel routes through: {neighbours.Count} of {connected.Count} tunnel peers ({routes.Count} routes known)");
        peerNeighbours = neighbours;
        probe?.Watch(peerNeighbours);
    }

    /// <summary>
    /// babel counts a neighbour after two of its hellos (and an IHU back): on a new tunnel that is 2-3 hellos. One bounce of
    /// the new tap a moment after it came up makes babeld send a second hello and a request, which the peer answers at once
    /// with an IHU and a hello (timestamps on the tunnels), so routes flow after about a second instead (measured on a
    /// pair of namespaces at hello 4: 3.2 s median from tap up to the first route, against 7.5-13 s; docs/node.md). Not
    /// earlier than a second: babeld holds its first hello on a new interface for up to a second, and a bounce before it
    /// is sent loses it.
    /// </summary>
    async Task HurryHandshakeAsync(string tap, CancellationToken cancel, TimeSpan? delay = null, bool onlyWhileUnused = false)
    {
        try
        {
            await Task.Delay(delay ?? NewTunnelBounceDelay, cancel).ConfigureAwait(false);
            if (onlyWhileUnused && (await BabelControl.DumpRoutesAsync(babelSettings.Socket, cancel).ConfigureAwait(false))
                    .Any(r => r.Installed && r.Device == tap))
            {
                log.Debug($"{tap} carries routes already: not bounced for its new clients");
                return;
            }
            await LinkProbe.BounceAsync(tap, log, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// A peer whose node restarted comes back on our client tunnel's tap (openvpn reconnects on the same tap) as a new
    /// babel neighbour: its new tap has a new link-local address. Its handshake would take 2-3 hellos (most of a reboot's
    /// time); the tap is bounced at once, as for a new tunnel. A reload (a renewal) keeps both taps, so the address.
    /// </summary>
    void GreetRestartedPeers(IReadOnlyList<string> newTaps, DateTimeOffset now, CancellationToken cancel)
    {
        var neighbours = lastNeighbours;
        if (neighbours.Count == 0) return;
        foreach (var tap in restartedPeers.Update(newTaps, neighbours, now))
        {
            log.Info($"a new babel neighbour on {tap} (its peer restarted): the tap is bounced to hurry babel's handshake");
            _ = HurryHandshakeAsync(tap, cancel, TimeSpan.Zero);
        }
    }

    /// <summary>babeld's routes for the tunnel pass; the neighbours of the same dump are kept for <see cref="GreetRestartedPeers"/>.</summary>
    async Task<IReadOnlyList<BabelRoute>> DumpBabelAsync(CancellationToken cancel)
    {
        var dump = await BabelControl.DumpAsync(babelSettings.Socket, cancel).ConfigureAwait(false);
        lastNeighbours = dump.Neighbours;
        return dump.Routes;
    }

    /// <summary>How long after the start a new client of our servers has the shared tap bounced (<see cref="HurryHandshakeAsync"/>).</summary>
    static readonly TimeSpan StartupClientGreeting = TimeSpan.FromSeconds(30);

    /// <summary>How long after a new tunnel is seen up its tap is bounced (<see cref="HurryHandshakeAsync"/>).</summary>
    static readonly TimeSpan NewTunnelBounceDelay = TimeSpan.FromSeconds(1.2);

    /// <summary>Waits <see cref="TickInterval"/>, bridging at once meanwhile when the tunnel probe suspects or clears a neighbour.</summary>
    async Task WaitForNextTickAsync(CancellationToken cancel)
    {
        var deadline = Environment.TickCount64 + (long)TickInterval.TotalMilliseconds;
        while (deadline - Environment.TickCount64 is > 0 and var left)
        {
            if (!await probeEvents.WaitAsync(TimeSpan.FromMilliseconds(left), cancel).ConfigureAwait(false)) return;
            var events = new List<(string Peer, FailoverRoutes.Neighbour Neighbour, bool Suspected)>();
            foreach (var e in probe?.TakeEvents() ?? [])
            {
                // A tunnel that openvpn is reconnecting (a reload on a renewed certificate, ours or the peer's) keeps
                // its tap and is back in a second or two: bouncing it, or bridging around it, would make babel drop and
                // relearn its routes, a far longer gap than the reconnection itself. Its "answers again" is ignored too.
                if (!e.Suspected)
                {
                    if (!reconnectSilences.Remove(e.Peer)) events.Add(e);
                    continue;
                }
                var reconnecting = TunnelManager.IsClientTap(e.Neighbour.Device)
                    ? await tunnels!.IsReconnectingAsync(e.Neighbour.Device, cancel).ConfigureAwait(false)
                    : servers!.IsReconnecting(e.Peer);
                if (!reconnecting) events.Add(e);
                else if (reconnectSilences.Add(e.Peer)) log.Debug($"{e.Peer} on {e.Neighbour.Device} is silent while its tunnel reconnects: not rerouted");
            }
            if (events.Count == 0) continue;
            var now = DateTimeOffset.UtcNow;
            foreach (var (peer, neighbour, suspected) in events)
                if (suspected) failover!.Suspect(peer, neighbour, now);
                else failover!.Cleared(peer, neighbour);
            // Bridges first, from babel's routes as they are (a bounced tap's routes are gone from the next dump). A babeld
            // that does not answer (restarting) gives no routes: keep the bridges until it does.
            var routes = await BabelControl.DumpRoutesAsync(babelSettings.Socket, cancel).ConfigureAwait(false);
            if (routes.Count > 0) failover!.Update(routes, now);
            // A client tunnel's tap is the peer's alone: it goes down and up, babeld flushes every route learned on it and
            // reroutes at once, and the bridges hold the prefixes whose other routes are unfeasible until babel's seqno
            // round trip. It is bounced again when its peer answers: on the way up babeld asks for its routes at once.
            // A server's tap is shared by its clients and babeld cannot drop one neighbour: it keeps announcing the silent
            // client's routes for 2.7-4.5 hellos (40-68 s at hello 15). The bridges carry them when every one has a
            // loop-free alternative; when one has none, the whole tap is bounced, which costs the live clients' routes
            // until their next full dump (1-2 s on the tunnels: BabelSettings.TunnelUpdateInterval), and is done only then.
            var bounce = events.Where(e => TunnelManager.IsClientTap(e.Neighbour.Device)).Select(e => e.Neighbour.Device).ToHashSet();
            foreach (var e in events.Where(e => e.Suspected && !bounce.Contains(e.Neighbour.Device) && !failover!.Bridged(routes, e.Neighbour)))
            {
                log.Info($"{e.Peer} on {e.Neighbour.Device}: a route through it has no loop-free bridge; the shared tap is bounced");
                bounce.Add(e.Neighbour.Device);
            }
            foreach (var device in bounce)
                await LinkProbe.BounceAsync(device, log, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Restarts a server or babeld that died.</summary>
    async Task SuperviseAsync()
    {
        await servers!.RestartExitedAsync().ConfigureAwait(false);
        if (babel!.Process.HasExited && DateTimeOffset.UtcNow - babel.Process.Started >= NodeServers.MinimumLifetime)
        {
            log.Error($"babeld exited with code {babel.Process.Exited.Result}; restarting it (see {babelSettings.LogFile})");
            babel.Dispose();
            babel = BabelProcess.Start(babelArgs!, babelSettings, log.For("babeld"), babelInterfaces);
        }
    }

    /// <summary>
    /// Peer exchange (docs/node.md): our overlay address answers tunnel neighbours asking for peers,
    /// and a background loop asks them, more often while we are short of peers or the registry fails.
    /// </summary>
    void StartPeerExchange()
    {
        if (options.PeerExchange <= TimeSpan.Zero) return;
        var exchangeLog = log.For("exchange");
        var (ca, cert, key) = (PemFile.ReadCertificate(options.CaPath, "CA certificate"), PemFile.ReadCertificate(options.CertPath, "certificate"),
            PemFile.ReadPrivateKey(options.KeyPath, "node key"));
        var self = Identity!.Prefix.ToBinary();
        // The CRL as last fetched: a revoked peer's declarations are not taken nor repeated, its requests refused.
        bool IsRevoked(string prefix) => revocations?.RevokedPrefixes.Contains(prefix) == true;
        exchange = new PeerExchange(ca, cert, key, Identity.Network, self, db!, exchangeLog, isRevoked: IsRevoked);
        exchange.Declare(AdvertisedAddress());
        exchangeServer = PeerExchangeServer.Start(new IPEndPoint(Identity.Address, PeerExchangeServer.Port), ca, self,
            ip => Identity.Network.Contains(ip), NeighboursAsync, exchange.Answer, exchangeLog, isRevoked: IsRevoked);
        stopExchange = new CancellationTokenSource();
        var loop = new PeerExchangeLoop(exchange, options.PeerExchange, NeighboursAsync,
            () => db is { } d && d.Unused().Count < (options.ConnectionCount + 1) / 2, () => lastRegistryError is not null, exchangeLog);
        exchangeLoop = Task.Run(() => loop.RunAsync(stopExchange.Token));
    }

    /// <summary>The peers we have a tunnel up with, either way: who may ask us for peers, and whom we ask.</summary>
    async Task<IReadOnlyCollection<string>> NeighboursAsync(CancellationToken cancel)
    {
        var (manager, served) = (tunnels, servers);
        var set = new HashSet<string>((manager?.Snapshot() ?? []).Where(t => t.State == "up").Select(t => t.Peer));
        if (served is not null) set.UnionWith(await served.ConnectedPeersAsync(cancel).ConfigureAwait(false));
        return set;
    }

    /// <summary>Without --ip, our address is what most of the servers we connect to saw (<see cref="ExternalIpVote"/>); a change is declared at once.</summary>
    void LearnExternalIp()
    {
        if (options.Ips.Count > 0) return;
        var seen = tunnels!.ExternalIps().Where(PlausibleExternalIp).ToList();
        if (ExternalIpVote.Choose(seen, externalIp) is not { } chosen) return;
        log.Info($"external IP is {chosen} (as seen by {seen.Count(chosen.Equals)} of our {seen.Count} peers' servers){(externalIp is null ? "" : $", was {externalIp}")}");
        externalIp = chosen;
        db!.SetConfig("external-ip", externalIp.ToString());
        nextPeerUpdate = DateTimeOffset.UtcNow;
    }

    /// <summary>A peer's server is only a member: the address it says it saw us at must be one others could reach.</summary>
    bool PlausibleExternalIp(IPAddress ip)
    {
        if (UnderlayAddress.Check(ip, Identity!.Network) is not { } refusal) return true;
        if (refusedExternalIps.Add(ip))
            log.Warning($"external IP refused: a peer's server pushed {ip}, but {UnderlayAddress.Describe(ip, refusal)} ({refusal}); not declared");
        return false;
    }

    /// <summary>
    /// Without --ip, the --pp servers are mapped through the LAN's UPnP gateway in the background;
    /// no gateway means no mapped addresses, and the learned external IP is advertised instead.
    /// </summary>
    void StartPortForwarding()
    {
        forwarder = portForwarderOverride ?? (options.Ips.Count > 0
            ? NullPortForwarder.Instance
            : new PortForwarder(options.Servers.Select(s => new ForwardedPort(s.Port, s.Protocol)), null, log));
        forwarder.PublicAddressesChanged += addresses =>
        {
            mappedAddresses = addresses;
            mappedAddressesChanged = true;
        };
        stopForwarding = new CancellationTokenSource();
        forwarding = forwarder.RunAsync(stopForwarding.Token);
    }

    /// <summary>UPnP port forwarding as it stands (what `vifibnet status` shows): gateway, external address, mappings, last error.</summary>
    public NatStatus PortForwarding => forwarder?.Status ?? NatStatus.Disabled;

    /// <summary>Where <see cref="AdvertisedAddress"/> comes from: "--ip", "upnp", "learned" or "none".</summary>
    public string AdvertisedAddressSource() =>
        options.Ips.Count > 0 ? "--ip" : mappedAddresses is { Count: > 0 } ? "upnp" : externalIp is null ? "none" : "learned";

    /// <summary>Our servers' addresses: --ip as given, else the UPnP-mapped ones, else the learned external IP with each --pp; null when not known yet.</summary>
    public string? AdvertisedAddress() =>
        options.Ips.Count > 0 ? PeerAddress.FormatList(options.Ips)
        : mappedAddresses is { Count: > 0 } mapped ? PeerAddress.FormatList(mapped)
        : externalIp is null ? null
        : PeerAddress.FormatList(options.Servers.Select(s => new PeerAddress(externalIp, s.Port, s.ClientProtocol)));

    /// <summary>
    /// When to refresh the peer DB again. A node that started with the rest of a new network may ask the registry before
    /// any other node has declared an address: with no peer known it can open no tunnel, so it asks again after 2 s,
    /// doubling up to --peers-db-refresh, rather than sitting alone for a whole refresh (bench/mesh: a NATed node got no
    /// peers at the start and the mesh took 39 s instead of 6-9 s).
    /// </summary>
    TimeSpan NextPeerRefresh(int peersKnown)
    {
        if (peersKnown > 0)
        {
            emptyDbRetry = EmptyPeerDbRetry;
            return options.PeersDbRefresh;
        }
        var wait = emptyDbRetry < options.PeersDbRefresh ? emptyDbRetry : options.PeersDbRefresh;
        emptyDbRetry = wait * 2; // capped: a first node alone for days must not double a TimeSpan past its range
        log.Info($"no peer known yet: asking the registry again in {wait.TotalSeconds:0} s");
        return wait;
    }

    /// <summary>The first wait before asking the registry again while no peer is known (<see cref="NextPeerRefresh"/>).</summary>
    public static readonly TimeSpan EmptyPeerDbRetry = TimeSpan.FromSeconds(2);

    TimeSpan emptyDbRetry = EmptyPeerDbRetry;

    /// <summary>Declares and refreshes the peer DB now (also what `peers update` asks a running node).</summary>
    public async Task<PeersUpdateResult> UpdatePeersAsync(CancellationToken cancel)
    {
        if (registry is null) throw new NodeDaemonException(NodeErrorKind.NoRegistry, "this node runs without --registry: there is no registry to update the peer DB from");
        await registryGate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            nextPeerUpdate = DateTimeOffset.UtcNow + RegistryRetry;
            PeersUpdateResult result;
            try
            {
                result = await new PeerUpdater(registry, db!, Identity!.Prefix.ToBinary(), log.For("peers")).UpdateAsync(AdvertisedAddress(), cancel).ConfigureAwait(false);
            }
            catch (RegistryCallException e)
            {
                lastRegistryError = e.Message;
                log.Warning($"registry unreachable or refused ({e.Message}); running on the peer DB, retrying in {RegistryRetry.TotalSeconds:0} s");
                throw;
            }
            nextPeerUpdate = DateTimeOffset.UtcNow + NextPeerRefresh(result.Total);
            (lastRegistryContact, lastRegistryError) = (DateTimeOffset.UtcNow, null);
            if (result.Declared is not null) db!.SetConfig("declared", result.Declared);
            await RefreshRevocationsAsync(cancel).ConfigureAwait(false);
            await RefreshNetworkConfigAsync(cancel).ConfigureAwait(false);
            return result;
        }
        finally
        {
            registryGate.Release();
        }
    }

    /// <summary>Client tunnels and the peers connected to our servers.</summary>
    public async Task<IReadOnlyList<TunnelInfo>> GetTunnelsAsync(CancellationToken cancel)
    {
        var clients = tunnels is null ? [] : await tunnels.SnapshotAsync(cancel).ConfigureAwait(false);
        var served = servers is null ? [] : await servers.SnapshotAsync(BabelRoute.CountInstalledByDevice(await BabelControl.DumpRoutesAsync(babelSettings.Socket, cancel).ConfigureAwait(false)), cancel).ConfigureAwait(false);
        return [.. clients, .. served];
    }

    /// <summary>The node at a glance (what `vifibnet status` shows); throws when it has not started.</summary>
    public async Task<NodeStatus> GetStatusAsync(CancellationToken cancel)
    {
        var (identity, peers, manager) = (Identity, db, tunnels);
        if (identity is null || peers is null || manager is null) throw new NodeDaemonException(NodeErrorKind.NotReady, $"the node is {State}, not running yet");
        var clients = await manager.SnapshotAsync(cancel).ConfigureAwait(false);
        var served = servers is null ? 0 : (await servers.ConnectedPeersAsync(cancel).ConfigureAwait(false)).Count;
        return new NodeStatus(State.ToString().ToLowerInvariant(), identity.Network.ToString(), identity.Prefix.ToBinary(),
            identity.Prefix.ToCommonName(), identity.Address.ToString(), options.Registry?.ToString(),
            AdvertisedAddress(), AdvertisedAddressSource(), externalIp?.ToString(),
            clients.Count, clients.Count(t => t.State == "up"), served, peers.Count,
            NatStatusView.Of(PortForwarding), lastRegistryContact, lastRegistryError,
            identity.NotAfter, nextRenewal, lastRenewalError, revocations?.RevokedPrefixes.Count ?? 0,
            options.Hello, networkConfig?.Current?.Version, versionError ?? networkConfig?.LastRefusal, babelSettings.Authentication?.KeyName);
    }

    async Task<object> HandleControlAsync(string request, CancellationToken cancel) => request switch
    {
        "status" => await GetStatusAsync(cancel).ConfigureAwait(false),
        "tunnels" => await GetTunnelsAsync(cancel).ConfigureAwait(false),
        "peers update" => await UpdatePeersAsync(cancel).ConfigureAwait(false),
        "peers" => db is { } peers ? PeerListing.From(peers) : new ControlError("the node is not running yet"),
        "upnp" => NatStatusView.Of(PortForwarding),
        "renew" => await RenewNowAsync(cancel).ConfigureAwait(false),
        _ => new ControlError($"unknown request '{request}' (known: status, tunnels, peers, peers update, upnp, renew)"),
    };

    /// <summary>What `peers update` on a stopped node needs to reach the registry as this node.</summary>
    void RememberConfig(PeerDb peers)
    {
        peers.SetConfig("registry", options.Registry?.ToString());
        peers.SetConfig("ca", Path.GetFullPath(options.CaPath));
        peers.SetConfig("cert", Path.GetFullPath(options.CertPath));
        peers.SetConfig("key", Path.GetFullPath(options.KeyPath));
        if (options.Ips.Count > 0) peers.SetConfig("address", PeerAddress.FormatList(options.Ips));
    }

    async Task StopChildrenAsync(ControlServer? control)
    {
        if (State is NodeState.Running or NodeState.Starting) SetState(NodeState.Stopping);
        try
        {
            if (exchangeLoop is not null)
            {
                stopExchange!.Cancel();
                try { await exchangeLoop.ConfigureAwait(false); }
                catch (OperationCanceledException) { }
                stopExchange.Dispose();
                exchangeLoop = null;
            }
            if (exchangeServer is not null) { await exchangeServer.DisposeAsync().ConfigureAwait(false); exchangeServer = null; }
            if (forwarding is not null)
            {
                // A clean stop deletes the UPnP mappings (RunAsync does it when cancelled).
                stopForwarding!.Cancel();
                await forwarding.ConfigureAwait(false);
                if (forwarder is IDisposable disposable && !ReferenceEquals(forwarder, portForwarderOverride)) disposable.Dispose();
                (forwarding, forwarder) = (null, null);
                stopForwarding.Dispose();
            }
            // babeld first: its retractions still reach the neighbours over the live tunnels, which reroute at once instead
            // of when their probes notice. Then every openvpn at once (each tells its peers it leaves; one after the
            // other, with babeld last, the whole stop took 2.4 s of every restart).
            if (babel is not null) { await babel.StopAsync().ConfigureAwait(false); babel.Dispose(); }
            await Task.WhenAll(tunnels?.StopAllAsync() ?? Task.CompletedTask, servers?.StopAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            probe?.Dispose();
            probe = null;
            failover?.Stop();
            if (Identity is not null) OverlayInterface.Remove(Identity.Address);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Error($"error while stopping: {e.Message}", e);
        }
        if (control is not null) await control.DisposeAsync().ConfigureAwait(false);
        db?.Dispose();
        if (ownsRegistry) (registry as IDisposable)?.Dispose();
        (tunnels, servers, babel, db) = (null, null, null, null);
        log.Info("node stopped");
    }

    FileLogSink? StartFileLog()
    {
        if (!FileLog) return null;
        try
        {
            var sink = new FileLogSink(paths.DaemonLog);
            log = new Logger(rootLog.MinimumLevel, sink.Write, r => rootLog.For(r.Source).Log(r.Level, r.Message, r.Exception)).For("node");
            return sink;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            rootLog.Warning($"cannot write the daemon log {paths.DaemonLog}: {e.Message}");
            return null;
        }
    }

    void SetState(NodeState state)
    {
        State = state;
        log.Debug($"state {state}");
        StateChanged?.Invoke(state);
    }

    /// <summary>At start: the renewal schedule, and the CRL (stored, then fresh from the registry) before any openvpn runs.</summary>
    async Task StartLifecycleAsync(CancellationToken cancel)
    {
        using (var ca = PemFile.ReadCertificate(options.CaPath, "CA certificate"))
        {
            revocations = new NodeRevocations(paths.CrlFile, paths.RevokedCertificatesFile, new System.Security.Cryptography.X509Certificates.X509Certificate2(ca.RawData), log.For("crl"));
            networkConfig = new NodeNetworkConfig(paths.NetworkConfigFile, new System.Security.Cryptography.X509Certificates.X509Certificate2(ca.RawData), log.For("config"));
        }
        revocations.LoadStored();
        networkConfig.LoadStored();
        if (registry is null)
        {
            ApplyNetworkConfigAtStart();
            return;
        }
        nextRenewal = CertificateRenewal.DueAt(PemFile.ReadCertificate(options.CertPath, "certificate"));
        using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        quick.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await RefreshRevocationsAsync(quick.Token).ConfigureAwait(false);
            await FetchNetworkConfigAsync(quick.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested) { log.Warning("the registry did not send its CRL and network configuration within 5 s; fetched again at the next peer refresh"); }
        ApplyNetworkConfigAtStart();
    }

    /// <summary>Each loop pass: renew when due, and restart one tunnel or server still on the old certificate.</summary>
    async Task LifecycleTickAsync(CancellationToken cancel)
    {
        if (registry is not null && nextRenewal is { } due && DateTimeOffset.UtcNow >= due)
        {
            try { await RenewNowAsync(cancel).ConfigureAwait(false); }
            catch (RenewalException) { /* logged, retried with back-off */ }
            catch (CertificateException e) { log.Error($"renewal failed: {e.Message}"); nextRenewal = DateTimeOffset.UtcNow + CertificateRenewal.Backoff(++renewalFailures); }
        }
        try { await RollAsync().ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { log.Error($"restarting a tunnel on the renewed certificate failed: {e.Message}", e); }
    }

    /// <summary>
    /// Renews the certificate now (due, or `vifibnet renew`): the file is replaced, registry requests are signed
    /// with the new one, and every tunnel and server is restarted on it, one at a time.
    /// </summary>
    public async Task<RenewalResult> RenewNowAsync(CancellationToken cancel)
    {
        if (registry is null) throw new NodeDaemonException(NodeErrorKind.NoRegistry, "this node runs without --registry: there is no registry to renew its certificate");
        await renewalGate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            System.Security.Cryptography.X509Certificates.X509Certificate2 renewed;
            try
            {
                renewed = await CertificateRenewal.RenewAsync(registry, options.CaPath, options.CertPath, options.KeyPath, cancel).ConfigureAwait(false);
            }
            catch (RenewalException e)
            {
                lastRenewalError = e.Message;
                var wait = CertificateRenewal.Backoff(++renewalFailures);
                nextRenewal = DateTimeOffset.UtcNow + wait;
                log.Warning($"{e.Message}; retrying in {wait.TotalSeconds:0} s");
                throw;
            }
            (registry as HttpRegistryClient)?.UseCertificate(renewed);
            exchange?.UseCertificate(renewed);
            var due = CertificateRenewal.DueAt(renewed);
            (nextRenewal, renewalFailures, lastRenewalError) = (due, 0, null);
            var notAfter = new DateTimeOffset(renewed.NotAfter.ToUniversalTime());
            if (Identity is not null) Identity = Identity with { NotAfter = notAfter };
            rollingSince = DateTimeOffset.UtcNow;
            log.Info($"certificate renewed: serial {renewed.SerialNumber}, valid until {notAfter:u}, next renewal {due:u}; restarting tunnels one at a time");
            return new RenewalResult(Identity?.Prefix.ToBinary() ?? "", renewed.SerialNumber,
                new DateTimeOffset(renewed.NotBefore.ToUniversalTime()), notAfter, due);
        }
        finally
        {
            renewalGate.Release();
        }
    }

    /// <summary>One tunnel or server at a time, never all at once: the next only once the last one is up again (or had its time).</summary>
    async Task RollAsync()
    {
        if (rollingSince is not { } since || tunnels is null || servers is null) return;
        var now = DateTimeOffset.UtcNow;
        var settle = TimeSpan.FromSeconds(2 * options.Hello + 5);
        var lastIsUp = lastRolledPeer is { } peer && tunnels.IsConnected(peer) && now - lastRollAt >= TickInterval;
        if (now - lastRollAt < settle && !lastIsUp) return;
        lastRollAt = now;
        if (tunnels.ReloadOneLoadedBefore(since) is { } restarted)
        {
            lastRolledPeer = restarted;
            return;
        }
        lastRolledPeer = null;
        if (await servers.ReloadOneLoadedBeforeAsync(since).ConfigureAwait(false) is { } device)
        {
            log.Info($"openvpn server on {device} restarted on the current certificate and CRL");
            babel?.CheckInterfacesNow();
            return;
        }
        rollingSince = null;
        serversHaveCrl = File.Exists(paths.CrlFile);
        log.Info("every tunnel and server now runs on the current certificate");
    }

    /// <summary>
    /// Fetches the CRL with the peer refresh: a newer one is written for openvpn, and tunnels to newly revoked
    /// peers are closed (client side) or disconnected (server side) at once.
    /// </summary>
    async Task RefreshRevocationsAsync(CancellationToken cancel)
    {
        if (registry is null || revocations is null) return;
        IReadOnlySet<string> added;
        try
        {
            added = revocations.Apply(await registry.GetRevocationsAsync(cancel).ConfigureAwait(false));
        }
        catch (RegistryCallException e)
        {
            log.Warning($"cannot fetch the CRL: {e.Message}");
            return;
        }
        catch (CertificateException e)
        {
            log.Error($"the registry's CRL is refused: {e.Message}");
            return;
        }
        foreach (var prefix in revocations.RevokedPrefixes) db?.Remove(prefix);
        if (added.Count > 0)
        {
            var self = Identity?.Prefix.ToBinary();
            if (self is not null && added.Contains(self))
                log.Error("this node's own certificate is revoked: the network's other nodes refuse its tunnels and the registry its requests");
            log.Warning($"CRL {revocations.Current?.Number}: revoked {string.Join(", ", added)}; dropping their tunnels");
            if (tunnels is not null) await tunnels.CloseTunnelsToAsync(added).ConfigureAwait(false);
            if (servers is not null) await servers.KillClientsAsync(added, cancel).ConfigureAwait(false);
        }
        if (servers is not null && !serversHaveCrl && File.Exists(paths.CrlFile) && rollingSince is null)
        {
            // Started before the node had a CRL: openvpn takes --crl-verify only at start.
            log.Info("first CRL received: restarting tunnels and servers one at a time so openvpn checks it");
            rollingSince = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>
    /// A node that was off while its certificate expired renews it before anything else (the registry takes
    /// it within its grace period); if that fails, the start fails on the expired certificate, saying so.
    /// </summary>
    async Task RenewExpiredBeforeStartAsync(CancellationToken cancel)
    {
        if (registry is null && options.Registry is null) return;
        try
        {
            using (var cert = PemFile.ReadCertificate(options.CertPath, "certificate"))
                if (DateTimeOffset.UtcNow <= cert.NotAfter.ToUniversalTime()) return;
            var client = registry ?? NodeRegistry.Create(options)!;
            try
            {
                using var renewed = await CertificateRenewal.RenewAsync(client, options.CaPath, options.CertPath, options.KeyPath, cancel).ConfigureAwait(false);
                log.Info($"the certificate had expired: renewed before start (serial {renewed.SerialNumber}, valid until {renewed.NotAfter.ToUniversalTime():u})");
            }
            finally
            {
                if (!ReferenceEquals(client, registry)) (client as IDisposable)?.Dispose();
            }
        }
        catch (RenewalException e)
        {
            log.Error($"the certificate has expired and could not be renewed: {e.Message}");
        }
        catch (CertificateException)
        {
            // Unreadable files: CheckIdentity names the problem.
        }
    }
}
