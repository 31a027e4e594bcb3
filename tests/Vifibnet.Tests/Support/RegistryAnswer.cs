using System.Text.Json;
using Vifibnet.Protocol;

namespace Vifibnet.Tests.Support;

/// <summary>The registry's JSON error body of a refused HTTP request (docs/protocol.md).</summary>
public static class RegistryAnswer
{
    public static async Task<ErrorResponse> ErrorAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<ErrorResponse>(await response.Content.ReadAsStringAsync(), RegistryJson.Options)
        ?? throw new Xunit.Sdk.XunitException($"the registry answered {(int)response.StatusCode} with a null body");
}
