using System.Text.Json;
using System.Text.Json.Serialization;
using Vifibnet.Certificates;
using Vifibnet.Exchange;
using Vifibnet.Nat;
using Vifibnet.Node;
using Vifibnet.Registry;
using Vifibnet.Tunnels;

namespace Vifibnet.Protocol;

/// <summary>
/// Every type the engine reads or writes as JSON, with its serialization code made at compile time: the
/// natively compiled `vifibnet` program has no reflection-based serializer (docs/packaging.md), and the
/// cmdlets and tests share these options. A type serialized through <see cref="RegistryJson.Options"/> or
/// the other options below must be listed here, or the call throws (NotSupportedException naming it).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
// The registry protocol (docs/protocol.md).
[JsonSerializable(typeof(CaResponse))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(CertificateRequestMessage))]
[JsonSerializable(typeof(CertificateResponse))]
[JsonSerializable(typeof(PrivateAddressResponse))]
[JsonSerializable(typeof(BootstrapResponse))]
[JsonSerializable(typeof(DeclareRequest))]
[JsonSerializable(typeof(DeclareResponse))]
[JsonSerializable(typeof(PeerListResponse))]
[JsonSerializable(typeof(RenewRequest))]
[JsonSerializable(typeof(RevocationsResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(NetworkConfigMessage))]
[JsonSerializable(typeof(NetworkConfigResponse))]
[JsonSerializable(typeof(PeerEntry))]
// Peer exchange between nodes.
[JsonSerializable(typeof(ExchangeRequest))]
[JsonSerializable(typeof(ExchangeResponse))]
// The node's control socket and the CLI's --json output.
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(IReadOnlyList<TunnelInfo>))]
[JsonSerializable(typeof(List<TunnelInfo>))]
[JsonSerializable(typeof(IReadOnlyList<PeerListing>))]
[JsonSerializable(typeof(List<PeerListing>))]
[JsonSerializable(typeof(PeersUpdateResult))]
[JsonSerializable(typeof(NatStatusView))]
[JsonSerializable(typeof(RenewalResult))]
[JsonSerializable(typeof(ControlError))]
// The CA-signed network configuration and its summary.
[JsonSerializable(typeof(NetworkConfiguration))]
[JsonSerializable(typeof(NetworkConfigSummary))]
public sealed partial class VifibJsonContext : JsonSerializerContext
{
    /// <summary>Options with this context as their only source of type metadata (and Web defaults, as the context's).</summary>
    public static JsonSerializerOptions NewOptions(Action<JsonSerializerOptions>? configure = null)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = Default };
        configure?.Invoke(options);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The metadata of <typeparamref name="T"/> under <paramref name="options"/> (one of the above): for generic helpers.</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
