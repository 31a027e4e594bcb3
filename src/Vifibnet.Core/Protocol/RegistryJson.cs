using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vifibnet.Protocol;

/// <summary>The JSON settings of the protocol: camelCase, nulls kept, strict on unknown shapes by type.</summary>
public static class RegistryJson
{
    /// <summary>Types come from <see cref="ProtocolJsonContext"/> (source-generated), never from reflection.</summary>
    public static readonly JsonSerializerOptions Options = SourceGeneratedJson.Options(ProtocolJsonContext.Default, o =>
    {
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.MaxDepth = 8;
    });
}
