using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Tunnels;

namespace Vifibnet.Node;

/// <summary>What `vifibnet tunnels` / Get-VifibTunnel and `vifibnet peers update` / Update-VifibPeers do, for the CLI and the cmdlets alike.</summary>
public static class NodeControl
{
    /// <summary>The node running with this state directory at a glance (`vifibnet status`, Get-VifibNodeStatus).</summary>
    public static Task<NodeStatus> GetStatusAsync(string stateDir, CancellationToken cancel = default) =>
        ControlClient.GetStatusAsync(stateDir, cancel);

    /// <summary>The tunnels of the node running with this state directory.</summary>
    public static Task<IReadOnlyList<TunnelInfo>> GetTunnelsAsync(string stateDir, CancellationToken cancel = default) =>
        ControlClient.GetTunnelsAsync(stateDir, cancel);

    /// <summary>
    /// Declares and refreshes the peer DB now: through the running node when there is one, else
    /// directly, with the registry and certificate the node last ran with (kept in peers.db).
    /// </summary>
    public static async Task<PeersUpdateResult> UpdatePeersAsync(string stateDir, Logger log, CancellationToken cancel = default)
    {
        if (ControlClient.IsRunning(stateDir)) return await ControlClient.UpdatePeersAsync(stateDir, cancel).ConfigureAwait(false);
        var dbPath = Path.Combine(stateDir, "peers.db");
        if (!File.Exists(dbPath))
            throw new NodeDaemonException(NodeErrorKind.NotSetUp, $"no peer DB at '{dbPath}': run setup first, or give the node's --state directory");
        using var db = PeerDb.Open(dbPath, log);
        var registryText = db.GetConfig("registry");
        if (string.IsNullOrEmpty(registryText) || !Uri.TryCreate(registryText, UriKind.Absolute, out var registryUrl))
            throw new NodeDaemonException(NodeErrorKind.NoRegistry, $"'{dbPath}' names no registry: start the node once with --registry URL");
        var (ca, cert, key) = (db.GetConfig("ca")!, db.GetConfig("cert")!, db.GetConfig("key")!);
        var identity = Certificates.NodeIdentity.FromFiles(ca, cert);
        using var client = NodeRegistry.Create(registryUrl, cert, key, ca)!;
        // The address the node last declared: --ip as given, or what it learned from its peers.
        var address = db.GetConfig("address") ?? db.GetConfig("declared");
        return await new PeerUpdater(client, db, identity.Prefix.ToBinary(), log).UpdateAsync(address, cancel).ConfigureAwait(false);
    }
}
