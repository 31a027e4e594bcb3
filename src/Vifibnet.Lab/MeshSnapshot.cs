namespace Vifibnet.Lab;

/// <summary>The mesh at one moment: time since the phase began, every node's status, the all-pairs matrix.</summary>
public sealed record MeshSnapshot(TimeSpan Elapsed, IReadOnlyList<MeshNodeStatus> Nodes, Reachability Matrix, IReadOnlyList<int> Members)
{
    /// <summary>Ordered pairs among the members (nodes expected to answer).</summary>
    public int Pairs => Members.Count * (Members.Count - 1);

    public int Answered => Matrix.CountAnswered(Members);

    public bool Complete => Answered == Pairs;

    public int TunnelsUp => Nodes.Sum(n => n.TunnelsUp);
}
