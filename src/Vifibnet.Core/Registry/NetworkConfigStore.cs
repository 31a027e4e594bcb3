using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vifibnet.Certificates;

namespace Vifibnet.Registry;

/// <summary>A change to the network configuration (`vifibnet network-config`, Set-VifibNetworkConfig); null leaves a setting as it is.</summary>
public sealed record NetworkConfigChange
{
    public int? Hello { get; init; }
    public int? ConnectionCount { get; init; }
    public int? TunnelRefresh { get; init; }
    public double? RefreshRate { get; init; }
    public string? MinimumVersion { get; init; }
    /// <summary>Settings to clear (the nodes keep their own value again): hello, connection-count, tunnel-refresh, refresh-rate, min-version, babel-key.</summary>
    public IReadOnlyList<string> Unset { get; init; } = [];
    /// <summary>Draw a new babel key, used by every node from now + <see cref="KeyOverlap"/> on.</summary>
    public bool RotateBabelKey { get; init; }
    /// <summary>How long before it is used a new key is announced: must cover at least two of the nodes' --peers-db-refresh.</summary>
    public TimeSpan KeyOverlap { get; init; } = NetworkConfigStore.DefaultKeyOverlap;

    public static readonly IReadOnlyList<string> SettingNames = ["hello", "connection-count", "tunnel-refresh", "refresh-rate", "min-version", "babel-key"];

    public bool ChangesNothing => Hello is null && ConnectionCount is null && TunnelRefresh is null && RefreshRate is null
        && MinimumVersion is null && Unset.Count == 0 && !RotateBabelKey;
}

/// <summary>
/// The network configuration in the registry DB (config row <see cref="Key"/>, JSON, unsigned: the registry signs it
/// with the CA key when it serves it). Changed by the admin commands while the registry runs; the next request sees it.
/// </summary>
public static class NetworkConfigStore
{
    public const string Key = "network_config";

    /// <summary>Default announcement of a new babel key before it is used: two of the default hourly peer refreshes.</summary>
    public static readonly TimeSpan DefaultKeyOverlap = TimeSpan.FromHours(2);

    public static NetworkConfiguration Read(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        RegistrySchema.GetConfig(connection, transaction, Key) is { } json ? NetworkConfiguration.FromJson(json) : new NetworkConfiguration();

    /// <summary>Applies <paramref name="change"/> (checked first: a bad value changes nothing) and stores it with the next version.</summary>
    public static NetworkConfiguration Change(SqliteConnection connection, SqliteTransaction transaction, NetworkConfigChange change, DateTimeOffset now)
    {
        foreach (var name in change.Unset)
            if (!NetworkConfigChange.SettingNames.Contains(name))
                throw new ArgumentException($"'{name}' is not a setting of the network configuration (one of {string.Join(", ", NetworkConfigChange.SettingNames)})");
        if (change.RotateBabelKey && change.KeyOverlap < TimeSpan.Zero)
            throw new ArgumentException("the key overlap must not be negative");
        var old = Read(connection, transaction);
        var unset = change.Unset.ToHashSet();
        var config = old with
        {
            Version = old.Version + 1,
            Changed = now,
            Hello = unset.Contains("hello") ? null : change.Hello ?? old.Hello,
            ConnectionCount = unset.Contains("connection-count") ? null : change.ConnectionCount ?? old.ConnectionCount,
            TunnelRefresh = unset.Contains("tunnel-refresh") ? null : change.TunnelRefresh ?? old.TunnelRefresh,
            RefreshRate = unset.Contains("refresh-rate") ? null : change.RefreshRate ?? old.RefreshRate,
            MinimumVersion = unset.Contains("min-version") ? null : change.MinimumVersion ?? old.MinimumVersion,
            BabelKeys = unset.Contains("babel-key") ? [] : change.RotateBabelKey ? Rotate(old.BabelKeys, now, change.KeyOverlap) : old.BabelKeys,
        };
        try { config.Check(); }
        catch (CertificateException e) { throw new ArgumentException(e.Message, e); }
        RegistrySchema.SetConfig(connection, transaction, Key, config.ToJson());
        return config;
    }

    /// <summary>Keeps the key in use and those still to come, and adds a new random one from now + overlap.</summary>
    static List<BabelKey> Rotate(IReadOnlyList<BabelKey> keys, DateTimeOffset now, TimeSpan overlap)
    {
        var inUse = keys.Where(k => k.ActiveFrom <= now).MaxBy(k => k.ActiveFrom);
        var kept = keys.Where(k => k.ActiveFrom > now || k == inUse).ToList();
        var id = keys.Count == 0 ? 1 : keys.Max(k => k.Id) + 1;
        var from = now + overlap;
        if (kept.Count > 0 && kept.Max(k => k.ActiveFrom) >= from) from = kept.Max(k => k.ActiveFrom) + TimeSpan.FromSeconds(1);
        kept.Add(new BabelKey(id, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant(), from));
        return kept;
    }
}

/// <summary>`vifibnet network-config` / Get- and Set-VifibNetworkConfig: read or change the configuration in a registry DB.</summary>
public static class AdminNetworkConfig
{
    public static NetworkConfiguration Get(string dbPath)
    {
        using var db = RegistryDb.OpenExisting(dbPath);
        return db.Read(c => NetworkConfigStore.Read(c));
    }

    public static NetworkConfiguration Set(string dbPath, NetworkConfigChange change, TimeProvider? clock = null)
    {
        using var db = RegistryDb.OpenExisting(dbPath);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        return db.Write((c, t) => NetworkConfigStore.Change(c, t, change, now));
    }
}

/// <summary>
/// The network configuration as the admin commands show it (`vifibnet network-config`, Get-/Set-VifibNetworkConfig):
/// every setting, null when the network leaves it to each node, and the babel keys by name and start, never their values.
/// </summary>
public sealed record NetworkConfigSummary(string DatabasePath, long Version, DateTimeOffset Changed, int? Hello, int? ConnectionCount,
    int? TunnelRefresh, double? RefreshRate, string? MinimumVersion, IReadOnlyList<string> BabelKeys)
{
    public static NetworkConfigSummary Of(string dbPath, NetworkConfiguration c) =>
        new(Path.GetFullPath(dbPath), c.Version, c.Changed, c.Hello, c.ConnectionCount, c.TunnelRefresh, c.RefreshRate, c.MinimumVersion,
            [.. c.BabelKeys.OrderBy(k => k.ActiveFrom).Select(k => $"{k.Name} from {k.ActiveFrom.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)}")]);
}

/// <summary>`vifibnet network-config --json`: indented, made at compile time (no reflection in the native program).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(NetworkConfigSummary))]
public sealed partial class NetworkConfigSummaryJson : System.Text.Json.Serialization.JsonSerializerContext;
