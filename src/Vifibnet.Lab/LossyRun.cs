using System.Diagnostics;

namespace Vifibnet.Lab;

/// <summary>
/// What a lossy-underlay run measured: all-pairs probe rounds (a pair answers when one of its echo
/// requests comes back within the probe's seconds), and the tunnels openvpn gave up on meanwhile
/// (its "Inactivity timeout" lines, clients and servers, in every node's openvpn logs).
/// </summary>
public sealed record LossyRun(int LossPercent, TimeSpan Duration, int Rounds, int Probes, int Answered, int TunnelsTornDown)
{
    public double AnsweredShare => Probes == 0 ? 0 : (double)Answered / Probes;

    /// <summary>
    /// Every node loses <paramref name="percent"/> % of the underlay packets it receives for
    /// <paramref name="duration"/>, while all pairs are probed round after round; the loss is removed at the end, even on failure.
    /// </summary>
    public static async Task<LossyRun> RunAsync(MeshLab mesh, int percent, TimeSpan duration, int probeSeconds, CancellationToken cancel)
    {
        var members = mesh.Nodes.Where(n => n.Running).Select(n => n.Number).ToList();
        var before = InactivityTimeouts(mesh);
        var (rounds, probes, answered) = (0, 0, 0);
        var sw = Stopwatch.StartNew();
        mesh.AddUnderlayLoss(percent);
        try
        {
            while (sw.Elapsed < duration)
            {
                var round = await MeshProbe.PingAllPersistentAsync(mesh, probeSeconds, cancel);
                rounds++;
                probes += members.Count * (members.Count - 1);
                answered += round.CountAnswered(members);
            }
        }
        finally
        {
            mesh.RemoveUnderlayLoss();
        }
        return new LossyRun(percent, sw.Elapsed, rounds, probes, answered, InactivityTimeouts(mesh) - before);
    }

    /// <summary>How many times an openvpn of any node gave up on a silent peer so far (ping-exit on clients, ping-restart on servers).</summary>
    public static int InactivityTimeouts(MeshLab mesh) =>
        mesh.Nodes.Sum(n => Directory.Exists(n.Directory)
            ? Directory.GetFiles(n.Directory, "vifibnet-openvpn-*.log").Sum(f => CountLines(f, "Inactivity timeout"))
            : 0);

    static int CountLines(string file, string marker)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var count = 0;
            while (reader.ReadLine() is { } line)
                if (line.Contains(marker, StringComparison.Ordinal)) count++;
            return count;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public override string ToString() =>
        $"{LossPercent} % loss for {Duration.TotalSeconds:0} s: {Answered}/{Probes} probes answered ({100 * AnsweredShare:0.00} %) in {Rounds} rounds, {TunnelsTornDown} tunnels torn down";
}
