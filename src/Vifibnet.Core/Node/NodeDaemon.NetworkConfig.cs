using Vifibnet.Certificates;
using Vifibnet.Protocol;
using Vifibnet.Routing;

namespace Vifibnet.Node;

// The network configuration signed by the CA (docs/lifecycle.md): fetched with the CRL at every peer DB refresh,
// applied at start before any child runs, and while running without restarting tunnels.
public sealed partial class NodeDaemon
{
    /// <summary>Fetches the registry's configuration; a refused one is logged and the held one stays. Returns whether it changed.</summary>
    async Task<bool> FetchNetworkConfigAsync(CancellationToken cancel)
    {
        if (registry is null || networkConfig is null) return false;
        try
        {
            return networkConfig.Apply(await registry.GetNetworkConfigAsync(cancel).ConfigureAwait(false));
        }
        catch (RegistryCallException e)
        {
            log.Warning($"cannot fetch the network configuration: {e.Message}");
        }
        catch (NetworkConfigurationException e)
        {
            log.Error($"the registry's network configuration is refused: {e.Message}; keeping version {networkConfig.Current?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }
        return false;
    }

    /// <summary>Before any child starts: the options in force, babeld's key, and the minimum version (below it the node does not start).</summary>
    void ApplyNetworkConfigAtStart()
    {
        var config = networkConfig?.Current;
        if (config is not null) log.Info($"network configuration version {config.Version}, signed by the network's CA");
        if (NodeNetworkConfig.BelowMinimum(config, NodeNetworkConfig.RunningVersion) is { } tooOld)
            throw new NodeDaemonException(NodeErrorKind.VersionTooOld, tooOld);
        options = NodeNetworkConfig.Effective(localOptions, config, log);
        babelSettings = ChildSettings.Babel(options, paths) with { Authentication = KeyFor(config?.KeyAt(DateTimeOffset.UtcNow)) };
        openVpnSettings = ChildSettings.OpenVpn(options, paths);
        if (babelSettings.Authentication is { } key && options.Interfaces.Count > 0)
            log.Info($"babel packets on {string.Join(", ", options.Interfaces)} are signed with the network's key {key.KeyName}");
    }

    /// <summary>At every peer refresh: a new configuration is applied where babeld and the tunnels allow it without a restart.</summary>
    async Task RefreshNetworkConfigAsync(CancellationToken cancel)
    {
        var changed = await FetchNetworkConfigAsync(cancel).ConfigureAwait(false);
        if (networkConfig?.Current is not { } config) return;
        versionError = NodeNetworkConfig.BelowMinimum(config, NodeNetworkConfig.RunningVersion);
        // Said at every refresh; a running node keeps running (its tunnels carry other nodes' routes), it would not start again like this.
        if (versionError is not null) log.Error($"{versionError}; it keeps running, but will refuse to start again");
        if (!changed) return;
        log.Info($"network configuration version {config.Version} received");
        var wanted = NodeNetworkConfig.Effective(localOptions, config, log);
        if (wanted.ConnectionCount != options.ConnectionCount)
            log.Warning($"connection count {wanted.ConnectionCount} takes effect at the node's next start (babeld and the servers are set up for {options.ConnectionCount})");
        if (tunnels is not null) tunnels.RefreshRate = wanted.RefreshRate;
        var hello = wanted.Hello;
        var helloChanged = hello != options.Hello;
        options = wanted with { ConnectionCount = options.ConnectionCount };
        babelSettings = babelSettings with { Hello = hello };
        if (helloChanged && babel is not null)
        {
            // babeld 1.12 answers "ok" to a new hello-interval on its socket but keeps the old one on an interface that is up
            // (measured); re-adding every interface at once cut the mesh for over 40 s in NetworkConfigMeshTests. A restart of
            // babeld alone (tunnels stay up) is what babel's own start costs.
            log.Info($"babel hello interval is now {hello} s: babeld restarted alone with it (it takes no new hello while running); tunnels stay up");
            await RestartBabelAsync().ConfigureAwait(false);
        }
        await SwitchBabelKeyIfDueAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Every loop pass: when the configuration's key for now is not the one babeld uses (a rotation's moment came,
    /// or a new key), babeld gets it through its socket; a babeld that refuses it is restarted with it.
    /// </summary>
    async Task SwitchBabelKeyIfDueAsync(CancellationToken cancel)
    {
        if (babel is null || networkConfig?.Current is not { } config) return;
        var wanted = KeyFor(config.KeyAt(DateTimeOffset.UtcNow));
        if (wanted == babelSettings.Authentication) return;
        var previous = babelSettings.Authentication;
        babelSettings = babelSettings with { Authentication = wanted };
        if (BabelAuthentication.SignedInterfaces(babelInterfaces).Count == 0) return;
        if (wanted is null)
        {
            log.Warning("the network configuration has no babel key any more: babeld restarts with unsigned packets");
            await RestartBabelAsync().ConfigureAwait(false);
            return;
        }
        try
        {
            await BabelAuthentication.ReaddInterfacesAsync(babelSettings.Socket, BabelAuthentication.SignedInterfaces(babelInterfaces), babelSettings.Hello, wanted, cancel).ConfigureAwait(false);
            babel.CheckInterfacesNow(); // as after a hello change: the re-added interface's link-local address, now
            log.Info($"babel key {wanted.KeyName} in use on the LAN interfaces{(previous is null ? "" : $" (was {previous.KeyName})")}: each re-added through babeld's socket, babeld not restarted");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            log.Warning($"babeld did not take key {wanted.KeyName} through its socket ({e.Message}); restarting babeld alone with it");
            await RestartBabelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>babeld alone, with the current settings (hello, key): the tunnels stay up and babel relearns its routes over them.</summary>
    async Task RestartBabelAsync()
    {
        if (babel is null || Identity is null) return;
        await babel.StopAsync().ConfigureAwait(false);
        babel.Dispose();
        babelArgs = BabelArguments.Build(babelSettings, Identity.Network, Identity.Subnet, Identity.Address, babelInterfaces);
        babel = BabelProcess.Start(babelArgs, babelSettings, log.For("babeld"), babelInterfaces);
    }

    static BabelAuthentication? KeyFor(BabelKey? key) => key is null ? null : new BabelAuthentication(key.Name, key.Value);
}
