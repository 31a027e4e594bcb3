using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vifibnet.Protocol;

/// <summary>The JSON settings of the protocol: camelCase, nulls kept, strict on unknown shapes by type.</summary>
public static class RegistryJson
{
    /// <summary>Types come from <see cref="VifibJsonContext"/> (source-generated), never from reflection.</summary>
    public static readonly JsonSerializerOptions Options = VifibJsonContext.NewOptions(o =>
    {
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.MaxDepth = 8;
    });

    /// <summary>The same, indented, for what people read (the CLI's --json).</summary>
    public static readonly JsonSerializerOptions Indented = VifibJsonContext.NewOptions(o => o.WriteIndented = true);
}
