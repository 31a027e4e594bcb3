namespace Vifibnet.Lab;

/// <summary>One all-pairs ping round over the overlay: which node answered which (node numbers 1..N).</summary>
public sealed class Reachability(int nodes, IReadOnlySet<(int From, int To)> answered)
{
    public int NodeCount { get; } = nodes;

    public IReadOnlySet<(int From, int To)> Answered { get; } = answered;

    public bool this[int from, int to] => Answered.Contains((from, to));

    /// <summary>Ordered pairs among <paramref name="members"/> (node numbers) that did not answer.</summary>
    public IReadOnlyList<(int From, int To)> Missing(IEnumerable<int> members)
    {
        var m = members.ToList();
        return [.. from a in m from b in m where a != b && !this[a, b] select (a, b)];
    }

    /// <summary>How many ordered pairs among <paramref name="members"/> answered.</summary>
    public int CountAnswered(IEnumerable<int> members)
    {
        var m = members.ToList();
        return (from a in m from b in m where a != b && this[a, b] select 1).Count();
    }

    public bool AllAnswer(IEnumerable<int> members) => Missing(members).Count == 0;
}
