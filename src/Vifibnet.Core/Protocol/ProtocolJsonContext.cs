using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vifibnet.Protocol;

/// <summary>The registry protocol's messages (docs/protocol.md), serialized by code made at compile time (<see cref="SourceGeneratedJson"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
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
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
