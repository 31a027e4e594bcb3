using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Logging;

namespace Vifibnet.Bench.Mesh;

/// <summary>
/// One mesh build for the benchmark: N nodes with a hello, started together; then <c>faults</c>
/// times a path in use is cut (time until all pairs answer again; the path is restored after) and
/// a node on the internet is rebooted (stopped, started at once: time until all pairs answer); then,
/// with <c>loss</c>, every node loses <c>lossPercent</c> % of its underlay packets for that long while
/// all pairs are probed (share answered, tunnels openvpn gave up on).
/// </summary>
public static class MeshBenchRun
{
    /// <summary>Seconds one probe of a pair may take over the lossy underlay (an echo request every 0.2 s until one is answered).</summary>
    public const int LossProbeSeconds = 5;

    public static async Task<BuildFigures> RunAsync(int nodes, int hello, int faults, TimeSpan loss, int lossPercent, Action<string> say, CancellationToken cancel,
        IReadOnlyList<KeyValuePair<string, string>>? nodeEnvironment = null)
    {
        var log = new Logger(LogLevel.Warning, r => say(r.ToString()));
        await using var mesh = MeshLab.Create(new MeshOptions
        {
            Prefix = "vm-b-", Nodes = nodes, Hello = hello, Verbose = 1,
            // BENCH_VIFIBNET: a published program (the .deb's native one) instead of the one built beside the bench.
            Vifibnet = Environment.GetEnvironmentVariable("BENCH_VIFIBNET") is { Length: > 0 } program
                ? (program, [])
                : Vifibnet.Processes.VifibnetExecutable.In(AppContext.BaseDirectory),
            ExtraNodeEnvironment = nodeEnvironment ?? [],
        }, log);
        await mesh.StartRegistryAsync(cancel);
        await Task.WhenAll(mesh.Nodes.Select(n => mesh.RegisterAsync(n, cancel)));
        // VIFIBNET_MESH_SAVE set: a diagnosis run, which also prints every change of the dark pairs.
        var last = "";
        var watcher = Environment.GetEnvironmentVariable("VIFIBNET_MESH_SAVE") is { Length: > 0 }
            ? new MeshWatcher(mesh, new InlineProgress<MeshSnapshot>(s =>
            {
                var line = s.Describe();
                if (line[line.IndexOf(']')..] != (last.Length > 0 ? last[last.IndexOf(']')..] : "")) say("      " + line);
                last = line;
            }))
            : new MeshWatcher(mesh);
        var all = mesh.Nodes.Select(n => n.Number).ToList();
        var h = TimeSpan.FromSeconds(hello);
        var sw = Stopwatch.StartNew();
        foreach (var n in mesh.Nodes) mesh.StartNode(n);
        var converge = (await watcher.WaitForAllPairsAsync(all, sw, Max(180, 40 * h), cancel)).TotalSeconds;
        say($"    all pairs after {converge:0.0} s");

        // Heals are timed by one `ping -i 0.2` per ordered pair (to 0.2 s); the watcher's rounds (about 2.5 s at 8 nodes) only
        // say when all pairs answer again, and are printed beside as a cross-check.
        using var silence = PairSilence.Start(mesh.Lab, [.. mesh.Nodes.Select(n => (n.Namespace, n.Address))]);
        var reroutes = new List<double>();
        var reboots = new List<double>();
        var rebooted = new List<MeshNode> { mesh.Nodes[0] };
        for (var i = 0; i < faults; i++)
        {
            // A mesh at rest: all pairs answer as soon as one path each way works, while babel may still be completing the
            // two-hello handshake on other tunnels; cut then, and the heal waits for that handshake, not for the failover.
            await Task.Delay(2 * h, cancel);
            var cut = await MeshScenario.CutPathInUseAsync(mesh, cancel);
            var cutAt = DateTime.UtcNow;
            sw.Restart();
            var round = (await watcher.WaitForAllPairsAsync(all, sw, Max(120, 30 * h), cancel)).TotalSeconds;
            var t = await HealedAsync(silence, cutAt, cancel);
            mesh.RestorePaths(cut.From);
            reroutes.Add(t);
            say($"    {cut} at {cutAt:HH:mm:ss.f}: rerouted after {t:0.0} s (watcher round: {round:0.0} s)");

            var node = MeshScenario.PickNodeToStop(mesh, watcher.Last, [.. rebooted]);
            rebooted.Add(node);
            var rebootAt = DateTime.UtcNow;
            sw.Restart();
            await mesh.StopNodeAsync(node);
            mesh.StartNode(node);
            round = (await watcher.WaitForAllPairsAsync(all, sw, Max(180, 40 * h), cancel)).TotalSeconds;
            t = await HealedAsync(silence, rebootAt, cancel);
            reboots.Add(t);
            say($"    {node.Label} rebooted at {rebootAt:HH:mm:ss.f}: all pairs again after {t:0.0} s (watcher round: {round:0.0} s)");
        }

        LossyRun? lossy = null;
        if (loss > TimeSpan.Zero)
        {
            // Back to all pairs first (the last reboot may still settle), then the loss.
            await watcher.WaitForAllPairsAsync(all, Stopwatch.StartNew(), Max(180, 40 * h), cancel);
            lossy = await LossyRun.RunAsync(mesh, lossPercent, loss, LossProbeSeconds, cancel);
            say($"    {lossy}");
        }

        // VIFIBNET_MESH_SAVE=DIR: every node's logs and babeld's tables of each build, to explain a slow figure afterwards.
        if (Environment.GetEnvironmentVariable("VIFIBNET_MESH_SAVE") is { Length: > 0 } saveDir)
            mesh.SaveDiagnosis(Path.Combine(saveDir, $"{nodes}n-h{hello}-{DateTime.UtcNow:HHmmss}"), "end");
        var usage = new List<ProcessUsage>();
        foreach (var n in mesh.Nodes)
            foreach (var pid in NetworkLab.Pids(n.Namespace))
                if (ProcessUsage.Read(pid) is { } u) usage.Add(u);
        return new BuildFigures(converge, reroutes, reboots, usage, lossy);
    }

    /// <summary>
    /// Seconds from <paramref name="since"/> until the last pair dark after it answered again, once the watcher saw all pairs:
    /// a pair still dark (a reply lost just then, or a flap) is waited for, up to a minute.
    /// </summary>
    static async Task<double> HealedAsync(PairSilence silence, DateTime since, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            // Past the outage gap, so a pair that went dark again just now counts as dark.
            await Task.Delay(PairSilence.OutageGap + TimeSpan.FromMilliseconds(200), cancel);
            if (silence.HealedAfter(since) is { } t) return t.TotalSeconds;
            if (deadline.Elapsed > TimeSpan.FromMinutes(1)) throw new MeshLabException("a pair went dark again and stayed dark for a minute after the watcher saw all pairs answer");
        }
    }

    static TimeSpan Max(int seconds, TimeSpan other) => TimeSpan.FromSeconds(Math.Max(seconds, other.TotalSeconds));
}
