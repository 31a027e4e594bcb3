using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vifibnet.Protocol;

/// <summary>The JSON settings of the protocol: camelCase, nulls kept, strict on unknown shapes by type.</summary>
public static class RegistryJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        MaxDepth = 8,
    };
}
