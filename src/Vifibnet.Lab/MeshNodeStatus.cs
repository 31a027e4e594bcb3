namespace Vifibnet.Lab;

/// <summary>What one running node reports: tunnels up (client and served), overlay nodes it has an installed route to, and the tunnel peers.</summary>
public sealed record MeshNodeStatus(int Number, bool Running, int TunnelsUp, int RoutesLearned, IReadOnlyList<string> TunnelPeers)
{
    public static MeshNodeStatus Stopped(int number) => new(number, false, 0, 0, []);
}
