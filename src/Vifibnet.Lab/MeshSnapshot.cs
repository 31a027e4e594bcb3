namespace Vifibnet.Lab;

/// <summary>The mesh at one moment: time since the phase began, every node's status, the all-pairs matrix.</summary>
public sealed record MeshSnapshot(TimeSpan Elapsed, IReadOnlyList<MeshNodeStatus> Nodes, Reachability Matrix, IReadOnlyList<int> Members)
{
    /// <summary>Ordered pairs among the members (nodes expected to answer).</summary>
    public int Pairs => Members.Count * (Members.Count - 1);

    public int Answered => Matrix.CountAnswered(Members);

    public bool Complete => Answered == Pairs;

    public int TunnelsUp => Nodes.Sum(n => n.TunnelsUp);

    /// <summary>One progress line: time, tunnel ends up, pairs answering, and (when a dozen or fewer) the dark pairs by name.</summary>
    public string Describe()
    {
        var line = $"[{Elapsed.TotalSeconds,6:0.0} s] tunnel ends {TunnelsUp}, pairs {Answered}/{Pairs}";
        // Which pairs stay dark is what a diagnosis needs.
        if (Matrix.Missing(Members) is { Count: > 0 and <= 12 } missing)
            line += $" dark: {string.Join(' ', missing.Select(p => $"{p.From}>{p.To}"))}";
        return line;
    }
}
