using System.Diagnostics;

namespace Vifibnet.Lab;

/// <summary>
/// What a lossy-underlay run measured: all-pairs probe rounds (a pair answers when one of its echo
/// requests comes back within the probe's seconds), and openvpn's "Inactivity timeout" lines meanwhile in
/// every node's openvpn logs, told apart: <paramref name="TunnelsTornDown"/> counts established client tunnels
/// given up (--ping-exit after the peer's name was known), the loss's real damage; <paramref name="HandshakesLost"/>
/// counts new tunnels whose TLS handshake never completed ([UNDEF]: the refresh opens some under the loss);
/// <paramref name="ServerTimeouts"/> counts servers dropping a client, which is either the far side of a client's own
/// timeout or a client the daemon closed on purpose whose goodbye was lost.
/// </summary>
public sealed record LossyRun(int LossPercent, TimeSpan Duration, int Rounds, int Probes, int Answered, int TunnelsTornDown,
    int HandshakesLost = 0, int ServerTimeouts = 0)
{
    public double AnsweredShare => Probes == 0 ? 0 : (double)Answered / Probes;

    /// <summary>
    /// Every node loses <paramref name="percent"/> % of the underlay packets it receives for
    /// <paramref name="duration"/>, while all pairs are probed round after round; the loss is removed at the end, even on failure.
    /// </summary>
    public static async Task<LossyRun> RunAsync(MeshLab mesh, int percent, TimeSpan duration, int probeSeconds, CancellationToken cancel)
    {
        var members = mesh.Nodes.Where(n => n.Running).Select(n => n.Number).ToList();
        var before = Timeouts.Of(mesh);
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
        var after = Timeouts.Of(mesh);
        return new LossyRun(percent, sw.Elapsed, rounds, probes, answered, after.Established - before.Established,
            after.Handshakes - before.Handshakes, after.Server - before.Server);
    }

    /// <summary>How many times an openvpn of any node gave up on a silent peer so far (ping-exit on clients, ping-restart on servers).</summary>
    public static int InactivityTimeouts(MeshLab mesh) => Timeouts.Of(mesh).All;

    /// <summary>openvpn's inactivity timeouts in a mesh's logs so far, by kind (see <see cref="LossyRun"/>).</summary>
    public readonly record struct Timeouts(int Established, int Handshakes, int Server)
    {
        public int All => Established + Handshakes + Server;

        public static Timeouts Of(MeshLab mesh) => In(mesh.Nodes.Where(n => Directory.Exists(n.Directory))
            .SelectMany(n => Directory.GetFiles(n.Directory, "vifibnet-openvpn-*.log")).SelectMany(ReadLines));

        /// <summary>The inactivity timeouts among openvpn log lines, by kind.</summary>
        public static Timeouts In(IEnumerable<string> lines)
        {
            var total = new Timeouts();
            foreach (var line in lines.Where(l => l.Contains("Inactivity timeout", StringComparison.Ordinal)))
                total = line.Contains("--ping-restart", StringComparison.Ordinal) ? total with { Server = total.Server + 1 }
                    : line.Contains("[UNDEF]", StringComparison.Ordinal) ? total with { Handshakes = total.Handshakes + 1 }
                    : total with { Established = total.Established + 1 };
            return total;
        }

        static List<string> ReadLines(string file)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var lines = new List<string>();
                while (reader.ReadLine() is { } line) lines.Add(line);
                return lines;
            }
            catch (IOException)
            {
                return []; // a log rotated or removed meanwhile
            }
        }
    }

    public override string ToString() =>
        $"{LossPercent} % loss for {Duration.TotalSeconds:0} s: {Answered}/{Probes} probes answered ({100 * AnsweredShare:0.00} %) in {Rounds} rounds, {TunnelsTornDown} established tunnels torn down (also {HandshakesLost} new tunnels' handshakes lost, {ServerTimeouts} server-side timeouts)";
}
