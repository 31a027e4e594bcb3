using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Vifibnet.Protocol;

/// <summary>
/// JSON options whose only source of type metadata is a source-generated context (each folder lists the
/// types it reads and writes: <see cref="ProtocolJsonContext"/>, Exchange's, Node's, ...). The natively
/// compiled `vifibnet` has no reflection-based serializer (docs/packaging.md); the JIT-run cmdlets and tests
/// use the same options, so a type missing from its context fails there too (NotSupportedException naming it).
/// </summary>
public static class SourceGeneratedJson
{
    /// <summary>Web defaults (camelCase, case-insensitive reading), metadata from <paramref name="context"/> only.</summary>
    public static JsonSerializerOptions Options(IJsonTypeInfoResolver context, Action<JsonSerializerOptions>? configure = null)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = context };
        configure?.Invoke(options);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The metadata of <typeparamref name="T"/> under <paramref name="options"/>: for generic helpers.</summary>
    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}
