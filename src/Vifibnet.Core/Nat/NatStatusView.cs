using System.Globalization;

namespace Vifibnet.Nat;

/// <summary>
/// <see cref="NatStatus"/> as plain text fields, for the control socket's JSON and for display:
/// what `vifibnet upnp status` shows about a running node.
/// </summary>
public sealed record NatStatusView(
    string State,
    string? Gateway,
    string? ExternalAddress,
    string? LanAddress,
    IReadOnlyList<string> Mappings,
    IReadOnlyList<string> Advertised,
    DateTimeOffset? LastRefresh,
    string? LastError)
{
    // Not "Error": the control client reads any "error" property as a failed request.
    public static NatStatusView Of(NatStatus status) => new(
        status.State.ToString().ToLowerInvariant(),
        status.Gateway?.ToString(),
        status.ExternalAddress?.ToString(),
        status.LanAddress?.ToString(),
        status.Mappings.Select(m => m.Expires is { } e
            ? string.Create(CultureInfo.InvariantCulture, $"{m.Mapping}, expires {e:yyyy-MM-dd HH:mm:ss}Z")
            : m.Mapping.ToString()).ToList(),
        status.Mappings.Select(m => m.Advertised.ToString()).ToList(),
        status.LastRefresh,
        status.Error);
}
