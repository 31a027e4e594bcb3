using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Protocol;

namespace Vifibnet.Node;

/// <summary>
/// The node's copy of the network configuration signed by the CA (docs/lifecycle.md): only a configuration whose
/// CA signature verifies, with a version not lower than the one held, is taken and kept in the state directory
/// (owner only: it holds the babel key), so a restart while the registry is down still applies it.
/// </summary>
public sealed class NodeNetworkConfig(string path, X509Certificate2 ca, Logger log)
{
    /// <summary>The configuration taken last, or null when the node never got one.</summary>
    public NetworkConfiguration? Current { get; private set; }

    /// <summary>Why the last configuration the registry sent was refused (null once one is taken).</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>Reads the configuration kept from the last run; one that no longer verifies is moved aside, not used.</summary>
    public void LoadStored()
    {
        if (!File.Exists(path)) return;
        try
        {
            var stored = JsonSerializer.Deserialize(File.ReadAllText(path), SourceGeneratedJson.Info<NetworkConfigMessage>(RegistryJson.Options))
                         ?? throw new NetworkConfigurationException("the file is empty");
            Current = new SignedNetworkConfiguration(stored.Body, stored.Signature).Verify(ca);
        }
        catch (Exception e) when (e is NetworkConfigurationException or JsonException or IOException)
        {
            log.Error($"the stored network configuration {path} is not usable ({e.Message}); moved aside until the registry sends one");
            File.Move(path, path + ".bad", overwrite: true);
        }
    }

    /// <summary>
    /// Takes the registry's configuration: verified, refused when older than the one held, kept on disk. Returns
    /// whether it differs from the one held; throws <see cref="NetworkConfigurationException"/> when refused
    /// (the held one stays in force and on disk).
    /// </summary>
    public bool Apply(NetworkConfigMessage message)
    {
        NetworkConfiguration config;
        try
        {
            config = new SignedNetworkConfiguration(message.Body, message.Signature).Verify(ca);
            if (Current is { } held && config.Version < held.Version)
                throw new NetworkConfigurationException($"the registry sent network configuration version {config.Version}, older than the one held ({held.Version})");
        }
        catch (NetworkConfigurationException e)
        {
            LastRefusal = e.Message;
            throw;
        }
        LastRefusal = null;
        if (Current is { } same && same.Version == config.Version && same.ToJson() == config.ToJson()) return false;
        WriteOwnerOnly(path, JsonSerializer.Serialize(message, SourceGeneratedJson.Info<NetworkConfigMessage>(RegistryJson.Options)));
        Current = config;
        return true;
    }

    /// <summary>
    /// The options the node runs with: each setting the network configures, unless the node's command line
    /// gave it (a local override: hello, connection count and the refresh settings only concern this node's
    /// own links). Each difference is logged with the value that wins.
    /// </summary>
    public static NodeOptions Effective(NodeOptions local, NetworkConfiguration? network, Logger log)
    {
        if (network is null) return local;
        var effective = local;
        if (network.Hello is { } hello)
            effective = Pick("hello", local.Hello, hello, v => effective with { Hello = v });
        if (network.ConnectionCount is { } count)
            effective = Pick("connection-count", local.ConnectionCount, count, v => effective with { ConnectionCount = v });
        if (network.TunnelRefresh is { } refresh)
            effective = Pick("tunnel-refresh", (int)local.TunnelRefresh.TotalSeconds, refresh, v => effective with { TunnelRefresh = TimeSpan.FromSeconds(v) });
        if (network.RefreshRate is { } rate)
            effective = Pick("refresh-rate", local.RefreshRate, rate, v => effective with { RefreshRate = v });
        return effective;

        NodeOptions Pick<T>(string name, T own, T networks, Func<T, NodeOptions> set) where T : IEquatable<T>
        {
            if (own.Equals(networks)) return effective;
            if (local.Given.Contains(name))
            {
                log.Info($"--{name} {Text(own)} from the command line overrides the network configuration's {Text(networks)}");
                return effective;
            }
            log.Info($"{name} {Text(networks)} from the network configuration (version {network.Version}) replaces the default {Text(own)}");
            return set(networks);
        }

        static string Text<T>(T value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>This program's version is below the network's minimum: the message to log, or null when it is not.</summary>
    public static string? BelowMinimum(NetworkConfiguration? network, Version running)
    {
        if (network?.MinimumVersion is not { } text || !Version.TryParse(text, out var minimum)) return null;
        return running < minimum
            ? $"this node runs vifibnet {running.ToString(3)}, below the network's minimum version {text} (network configuration version {network.Version}): upgrade it"
            : null;
    }

    /// <summary>The version this node runs (the VERSION file, built into the assembly).</summary>
    public static Version RunningVersion =>
        typeof(NodeNetworkConfig).Assembly.GetName().Version is { } v ? new Version(v.Major, v.Minor, Math.Max(0, v.Build)) : new Version(0, 0, 0);

    // Made owner-only while still empty, before the babel key is written into it.
    static void WriteOwnerOnly(string file, string text) => AtomicFile.Write(file, temp =>
    {
        File.WriteAllText(temp, "");
        OwnerOnly.Restrict(temp);
        File.WriteAllText(temp, text);
    });
}
