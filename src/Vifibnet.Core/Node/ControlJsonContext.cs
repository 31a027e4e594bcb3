using System.Text.Json;
using System.Text.Json.Serialization;
using Vifibnet.Nat;
using Vifibnet.Tunnels;

namespace Vifibnet.Node;

/// <summary>
/// The control socket's answers, which the CLI also prints with --json, serialized by code made at compile
/// time (Protocol's <c>SourceGeneratedJson</c>). Lists go by their interface: a collection expression's
/// runtime type is one the compiler makes, which no context can list.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(IReadOnlyList<TunnelInfo>))]
[JsonSerializable(typeof(List<TunnelInfo>))]
[JsonSerializable(typeof(IReadOnlyList<PeerListing>))]
[JsonSerializable(typeof(List<PeerListing>))]
[JsonSerializable(typeof(PeersUpdateResult))]
[JsonSerializable(typeof(NatStatusView))]
[JsonSerializable(typeof(RenewalResult))]
[JsonSerializable(typeof(ControlError))]
public sealed partial class ControlJsonContext : JsonSerializerContext;
