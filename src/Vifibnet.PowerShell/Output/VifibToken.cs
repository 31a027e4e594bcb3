using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>A registration token made by New-VifibToken. Pipes into Register-VifibNode (-Token, by property name).</summary>
public sealed class VifibToken
{
    public required string Token { get; init; }
    public string? Email { get; init; }
    public required DateTimeOffset Expires { get; init; }
    public required string DatabasePath { get; init; }
    /// <summary>The network CA's fingerprint: Register-VifibNode -CaFingerprint (by property name) pins it.</summary>
    public string? CaFingerprint { get; init; }

    internal static VifibToken From(AdminToken t) => new() { Token = t.Token, Email = t.Email, Expires = t.Expires, DatabasePath = t.DbPath, CaFingerprint = t.CaFingerprint };
}
