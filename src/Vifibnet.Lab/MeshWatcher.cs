using System.Diagnostics;

namespace Vifibnet.Lab;

/// <summary>
/// Polls a mesh until a condition holds (all pairs among some nodes answer, and whatever else is
/// asked), handing every snapshot to a progress sink; how long it took is the measurement.
/// </summary>
public sealed class MeshWatcher(MeshLab mesh, IProgress<MeshSnapshot>? progress = null)
{
    /// <summary>Pause between rounds (a round itself takes up to a ping time-out).</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    /// <summary>The last snapshot taken.</summary>
    public MeshSnapshot? Last { get; private set; }

    /// <summary>
    /// Waits until every ordered pair among <paramref name="members"/> answers ping6 over the overlay
    /// (and <paramref name="also"/> holds); returns the time since <paramref name="since"/>. Throws
    /// <see cref="MeshLabException"/> naming the pairs still failing when <paramref name="timeout"/> passes.
    /// </summary>
    public async Task<TimeSpan> WaitForAllPairsAsync(IReadOnlyList<int> members, Stopwatch since, TimeSpan timeout,
        CancellationToken cancel, Func<MeshSnapshot, bool>? also = null, string? what = null)
    {
        var deadline = since.Elapsed + timeout;
        while (true)
        {
            var snapshot = await MeshProbe.SnapshotAsync(mesh, members, since.Elapsed, cancel);
            var done = snapshot.Complete && (also?.Invoke(snapshot) ?? true);
            // The time is when the round started: its pings answered then.
            var at = snapshot.Elapsed;
            Last = snapshot;
            progress?.Report(snapshot);
            if (done) return at;
            if (since.Elapsed > deadline)
            {
                var missing = snapshot.Matrix.Missing(members);
                throw new MeshLabException(
                    $"{what ?? "all pairs"} not reached within {timeout.TotalSeconds:0} s: {snapshot.Answered}/{snapshot.Pairs} pairs answer"
                    + (missing.Count > 0 ? $"; failing: {string.Join(", ", missing.Take(12).Select(p => $"n{p.From}->n{p.To}"))}{(missing.Count > 12 ? " ..." : "")}" : "")
                    + $"; node logs in {mesh.WorkDir}/n*/vifibnet.log");
            }
            await Task.Delay(Pause, cancel);
        }
    }

    /// <summary>Every running node's number.</summary>
    public static IReadOnlyList<int> Running(MeshLab mesh) => [.. mesh.Nodes.Where(n => n.Running).Select(n => n.Number)];
}
