using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vifibnet.Exchange;

/// <summary>Peer exchange's two lines, serialized by code made at compile time (Protocol's <c>SourceGeneratedJson</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ExchangeRequest))]
[JsonSerializable(typeof(ExchangeResponse))]
sealed partial class ExchangeJsonContext : JsonSerializerContext;
