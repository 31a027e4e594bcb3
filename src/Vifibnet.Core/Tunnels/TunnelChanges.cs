namespace Vifibnet.Tunnels;

/// <summary>What one pass of the tunnel manager did.</summary>
/// <param name="Opened">Peers we opened a tunnel to.</param>
/// <param name="Closed">Peers whose tunnel we closed (dead ones included).</param>
/// <param name="Flagged">Peers whose tunnel died: not retried for a while.</param>
/// <param name="Crashed">Peers whose openvpn was killed (a crash, not the peer's fault): reopened without a flag.</param>
/// <param name="NewlyConnected">Tunnels that came up since the last pass.</param>
public sealed record TunnelChanges(IReadOnlyList<string> Opened, IReadOnlyList<string> Closed, IReadOnlyList<string> Flagged,
    IReadOnlyList<string> Crashed, int NewlyConnected)
{
    /// <summary>The taps of the tunnels that came up for the first time (not a reload's reconnection).</summary>
    public IReadOnlyList<string> NewTaps { get; init; } = [];

    public static TunnelChanges None { get; } = new([], [], [], [], 0);

    public bool Any => Opened.Count + Closed.Count + NewlyConnected > 0;
}
