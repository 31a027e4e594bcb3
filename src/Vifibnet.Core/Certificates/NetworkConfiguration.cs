using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Vifibnet.Certificates;

/// <summary>One babel HMAC key of the network (babeld's `key id ID type hmac-sha256 value HEX`), in use from <see cref="ActiveFrom"/> on.</summary>
/// <param name="Id">babeld's key name is "vifib" + Id: a new number for every rotation.</param>
/// <param name="Value">32 random bytes, lower-case hex.</param>
/// <param name="ActiveFrom">Every node switches its LAN interfaces to this key at this moment (the overlap before it lets every node learn it).</param>
public sealed record BabelKey(int Id, string Value, DateTimeOffset ActiveFrom)
{
    public string Name => "vifib" + Id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The network-wide settings the registry hands every node, signed by the CA (docs/lifecycle.md). A null
/// setting is not set by the network: the node keeps its own value. <see cref="Version"/> grows with every change,
/// and a node never takes a lower one than it holds (an old config replayed would bring back an old key).
/// </summary>
public sealed record NetworkConfiguration
{
    public long Version { get; init; }
    public DateTimeOffset Changed { get; init; }
    /// <summary>babel hello interval, seconds (the node's --hello).</summary>
    public int? Hello { get; init; }
    /// <summary>tunnels wanted in all (--connection-count); taken at the node's next start.</summary>
    public int? ConnectionCount { get; init; }
    /// <summary>seconds between full tunnel refreshes (--tunnel-refresh).</summary>
    public int? TunnelRefresh { get; init; }
    /// <summary>share of tunnels replaced at each refresh (--refresh-rate).</summary>
    public double? RefreshRate { get; init; }
    /// <summary>the lowest vifibnet version a node may run ("1.2.3").</summary>
    public string? MinimumVersion { get; init; }
    /// <summary>The babel keys: the one in use and at most one to come. Empty: babel packets are not signed.</summary>
    public IReadOnlyList<BabelKey> BabelKeys { get; init; } = [];

    // Metadata made at compile time (NetworkConfigurationJson below): the native program has no reflection-based serializer.
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 8,
        TypeInfoResolver = NetworkConfigurationJson.Default,
    };
    static JsonTypeInfo<NetworkConfiguration> JsonInfo => (JsonTypeInfo<NetworkConfiguration>)Json.GetTypeInfo(typeof(NetworkConfiguration));

    /// <summary>The key babel should use at <paramref name="now"/>: the latest whose time has come (null: none yet).</summary>
    public BabelKey? KeyAt(DateTimeOffset now) => BabelKeys.Where(k => k.ActiveFrom <= now).MaxBy(k => k.ActiveFrom);

    /// <summary>The next key to come after <paramref name="now"/>, if one is announced.</summary>
    public BabelKey? NextKeyAfter(DateTimeOffset now) => BabelKeys.Where(k => k.ActiveFrom > now).MinBy(k => k.ActiveFrom);

    public string ToJson() => JsonSerializer.Serialize(this, JsonInfo);

    /// <summary>Reads the settings; throws <see cref="CertificateException"/> when the text is not a configuration or a value is out of range.</summary>
    public static NetworkConfiguration FromJson(string json)
    {
        NetworkConfiguration config;
        try
        {
            config = JsonSerializer.Deserialize(json, JsonInfo) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new CertificateException($"the network configuration is not valid JSON of its shape: {e.Message}", e);
        }
        return config.Check();
    }

    /// <summary>The same checks the node's own options get, so a bad value is refused where it is set.</summary>
    public NetworkConfiguration Check()
    {
        if (Hello is < 1 or > 3600) throw new CertificateException($"hello {Hello} is outside 1..3600 seconds");
        if (ConnectionCount is < 0 or > 1000) throw new CertificateException($"connection count {ConnectionCount} is outside 0..1000");
        if (TunnelRefresh is < 1) throw new CertificateException($"tunnel refresh {TunnelRefresh} must be a positive number of seconds");
        if (RefreshRate is { } rate && (double.IsNaN(rate) || rate is < 0 or > 1)) throw new CertificateException($"refresh rate {rate} is outside 0..1");
        if (MinimumVersion is { } v && !System.Version.TryParse(v, out _)) throw new CertificateException($"minimum version '{v}' is not a version (like 1.2.0)");
        foreach (var key in BabelKeys)
            if (key.Value.Length is 0 or > 128 || key.Value.Length % 2 != 0 || !key.Value.All(char.IsAsciiHexDigit) || key.Id < 0)
                throw new CertificateException($"babel key {key.Id} is not 1..64 bytes of hex");
        return this;
    }
}

/// <summary>
/// A network configuration as the CA signed it: the JSON text exactly as signed, and an RSA PKCS#1 SHA-256
/// signature over its UTF-8 bytes by the CA's key (base64). The node keeps this pair as it came, and checks it
/// again when it reads it back.
/// </summary>
public sealed record SignedNetworkConfiguration(string Body, string Signature)
{
    /// <summary>Signs the configuration with the CA's key.</summary>
    public static SignedNetworkConfiguration Sign(NetworkConfiguration config, RSA caKey)
    {
        var body = config.ToJson();
        var signature = caKey.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new SignedNetworkConfiguration(body, Convert.ToBase64String(signature));
    }

    /// <summary>
    /// Checks the signature with the network's CA certificate and reads the settings; throws
    /// <see cref="NetworkConfigurationException"/> saying what was wrong (not signed by this CA, altered, malformed).
    /// </summary>
    public NetworkConfiguration Verify(X509Certificate2 ca)
    {
        byte[] signature;
        try { signature = Convert.FromBase64String(Signature ?? ""); }
        catch (FormatException e) { throw new NetworkConfigurationException("the network configuration's signature is not base64", e); }
        using (var key = ca.GetRSAPublicKey())
            if (key is null || Body is null || !key.VerifyData(Encoding.UTF8.GetBytes(Body), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                throw new NetworkConfigurationException(
                    $"the network configuration is not signed by the network's CA ({ca.Subject}): its signature does not verify (another CA's, or the text was altered)");
        try
        {
            return NetworkConfiguration.FromJson(Body);
        }
        catch (CertificateException e)
        {
            throw new NetworkConfigurationException($"the network configuration is signed but unusable: {e.Message}", e);
        }
    }
}

/// <summary>A network configuration refused: not signed by the network's CA, altered, older than the one held, or malformed.</summary>
public sealed class NetworkConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NetworkConfiguration))]
sealed partial class NetworkConfigurationJson : JsonSerializerContext;
