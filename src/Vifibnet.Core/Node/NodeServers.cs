using Vifibnet.Addressing;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.OpenVpn;
using Vifibnet.Tunnels;

namespace Vifibnet.Node;

/// <summary>The node's openvpn servers, one per --pp on its own tap device (vifib-s0, vifib-s1 ...), restarted when one dies.</summary>
public sealed class NodeServers
{
    public const string DevicePrefix = "vifib-s";

    /// <summary>A child that exits sooner than this after its start is restarted only once this has passed.</summary>
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromSeconds(5);

    readonly IReadOnlyList<ServerEndpoint> endpoints;
    readonly OpenVpnSettings settings;
    readonly Logger log;
    readonly OpenVpnProcess?[] processes;
    readonly IReadOnlyList<string>[] commandLines;
    // Peers that were connected to a server when we reloaded it, for as long as they may take to reconnect:
    // counted as connected meanwhile, so the daemon does not open a second tunnel to each of them (and close
    // it again a few seconds later, "one tunnel per pair"), which is what made renewals drop routes.
    readonly Dictionary<string, DateTimeOffset> reconnecting = [];

    NodeServers(IReadOnlyList<ServerEndpoint> endpoints, OpenVpnSettings settings, Logger log)
    {
        (this.endpoints, this.settings, this.log) = (endpoints, settings, log);
        processes = new OpenVpnProcess?[endpoints.Count];
        commandLines = new IReadOnlyList<string>[endpoints.Count];
    }

    public IEnumerable<string> Devices => Enumerable.Range(0, endpoints.Count).Select(i => DevicePrefix + i);

    /// <summary>Starts one server per endpoint (the node's --pp list).</summary>
    public static NodeServers Start(IReadOnlyList<ServerEndpoint> endpoints, OpenVpnSettings settings, Logger log)
    {
        var servers = new NodeServers(endpoints, settings, log);
        for (var i = 0; i < endpoints.Count; i++) servers.StartOne(i);
        return servers;
    }

    void StartOne(int i)
    {
        var device = DevicePrefix + i;
        var endpoint = endpoints[i];
        commandLines[i] = CommandLine(i);
        processes[i] = OpenVpnProcess.Start($"openvpn server {endpoint} on {device}", device, commandLines[i], settings, log);
        log.Info($"openvpn server {endpoint} started on {device}");
    }

    IReadOnlyList<string> CommandLine(int i) => OpenVpnArguments.Server(settings, DevicePrefix + i, endpoints[i].Port, endpoints[i].Protocol);

    /// <summary>A server that died is logged and started again.</summary>
    public Task RestartExitedAsync()
    {
        for (var i = 0; i < processes.Length; i++)
        {
            if (processes[i] is not { Process.HasExited: true } dead) continue;
            // One that dies at once (port taken, bad --dh) is retried every few seconds, not in a tight loop.
            if (DateTimeOffset.UtcNow - dead.Process.Started < MinimumLifetime) continue;
            log.Error($"openvpn server {endpoints[i]} on {dead.Device} exited with code {dead.Process.Exited.Result}; restarting it (see {settings.LogFile(dead.Device)})");
            dead.Dispose();
            StartOne(i);
        }
        return Task.CompletedTask;
    }

    /// <summary>The peers connected to our servers, as tunnels in the server direction.</summary>
    public async Task<IReadOnlyList<TunnelInfo>> SnapshotAsync(IReadOnlyDictionary<string, int> routesByDevice, CancellationToken cancel)
    {
        var list = new List<TunnelInfo>();
        foreach (var server in processes.OfType<OpenVpnProcess>())
            foreach (var c in await server.GetClientsAsync(cancel).ConfigureAwait(false))
                list.Add(new TunnelInfo(PeerOf(c.CommonName), server.Device, "server", c.RealAddress, "up", c.ConnectedSince,
                    routesByDevice.GetValueOrDefault(server.Device), c.BytesReceived, c.BytesSent));
        return list;
    }

    /// <summary>The node prefixes (binary) of the peers connected to our servers, from their certificates' CN.</summary>
    public async Task<IReadOnlyCollection<string>> ConnectedPeersAsync(CancellationToken cancel)
    {
        var peers = new HashSet<string>();
        foreach (var server in processes.OfType<OpenVpnProcess>())
            peers.UnionWith(PeersOf(await server.GetClientsAsync(cancel).ConfigureAwait(false)));
        var now = DateTimeOffset.UtcNow;
        lock (reconnecting)
        {
            // Kept for the whole grace, even once listed again: right after SIGUSR1 openvpn still lists the clients
            // it is about to drop, so "seen again" would end the grace before the restart even began.
            foreach (var (peer, until) in reconnecting.ToList())
                if (now > until) reconnecting.Remove(peer);
                else peers.Add(peer);
        }
        return peers;
    }

    /// <summary>Whether <paramref name="peer"/> was a client of a server we reloaded and may still be reconnecting.</summary>
    public bool IsReconnecting(string peer)
    {
        lock (reconnecting) return reconnecting.TryGetValue(peer, out var until) && DateTimeOffset.UtcNow <= until;
    }

    /// <summary>How long a client of a reloaded server is counted as connected while it reconnects.</summary>
    public TimeSpan ReconnectGrace => TimeSpan.FromSeconds(2 * settings.Hello + 5);

    /// <summary>The binary node prefixes of these clients (a CN that is no node prefix is kept as it is).</summary>
    public static IEnumerable<string> PeersOf(IEnumerable<ServerClient> clients) => clients.Select(c => PeerOf(c.CommonName));

    static string PeerOf(string commonName)
    {
        try { return NodePrefix.ParseCommonName(commonName).ToBinary(); }
        catch (AddressingException) { return commonName; }
    }

    /// <summary>Disconnects the peers with these binary prefixes from every server (revoked peers).</summary>
    public async Task<int> KillClientsAsync(IReadOnlySet<string> prefixes, CancellationToken cancel)
    {
        var killed = 0;
        foreach (var server in processes.OfType<OpenVpnProcess>())
            foreach (var client in await server.GetClientsAsync(cancel).ConfigureAwait(false))
                if (prefixes.Contains(PeerOf(client.CommonName)) && await server.KillClientAsync(client.CommonName, cancel).ConfigureAwait(false))
                {
                    log.Info($"disconnected {client.CommonName} from {server.Device}: its certificate is revoked");
                    killed++;
                }
        return killed;
    }

    /// <summary>Restarts one server started before <paramref name="since"/> (a renewed certificate); its device, or null when none is left.</summary>
    public async Task<string?> ReloadOneLoadedBeforeAsync(DateTimeOffset since)
    {
        for (var i = 0; i < processes.Length; i++)
        {
            if (processes[i] is not { } old || old.LoadedAt >= since || old.Process.HasExited) continue;
            if (commandLines[i].SequenceEqual(CommandLine(i)))
            {
                // Same command line: openvpn reads the renewed certificate and the CRL again in place (SIGUSR1), its
                // tap stays, and it tells its UDP clients to reconnect at once (--explicit-exit-notify).
                var clients = PeersOf(await old.GetClientsAsync(CancellationToken.None).ConfigureAwait(false)).ToList();
                var until = DateTimeOffset.UtcNow + ReconnectGrace;
                lock (reconnecting) foreach (var peer in clients) reconnecting[peer] = until;
                old.Reload();
                return old.Device;
            }
            // The command line changed (the CRL appeared since the start: --crl-verify): a new process.
            await old.StopAsync().ConfigureAwait(false);
            old.Dispose();
            StartOne(i);
            return old.Device;
        }
        return null;
    }

    public async Task StopAsync()
    {
        await Task.WhenAll(processes.OfType<OpenVpnProcess>().Select(p => p.StopAsync())).ConfigureAwait(false);
        foreach (var p in processes) p?.Dispose();
    }
}
