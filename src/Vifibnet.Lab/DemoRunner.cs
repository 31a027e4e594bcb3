using System.Diagnostics;
using Vifibnet.Logging;

namespace Vifibnet.Lab;

/// <summary>
/// `vifibnet demo`: builds a <see cref="MeshLab"/>, registers and starts every node, waits for all
/// pairs to answer over the overlay, then cuts a path in use, stops a node and restarts it, waiting
/// each time for the mesh to heal. Reports everything as <see cref="DemoEvent"/>s; removes
/// everything it made when it ends or is cancelled.
/// </summary>
public sealed class DemoRunner(MeshOptions options, Logger log, IProgress<DemoEvent> progress)
{
    /// <summary>Runs the whole demo; with <paramref name="keep"/>, leaves the mesh running until <paramref name="cancel"/> fires.</summary>
    public async Task<DemoResult> RunAsync(bool keep, CancellationToken cancel)
    {
        await using var mesh = MeshLab.Create(options, log);
        try
        {
            return await RunAsync(mesh, keep, cancel);
        }
        catch (MeshLabException)
        {
            // What went wrong is in the nodes' logs: keep them for the person reading the error.
            mesh.KeepFiles = true;
            throw;
        }
    }

    async Task<DemoResult> RunAsync(MeshLab mesh, bool keep, CancellationToken cancel)
    {
        Note("topology", Describe(mesh));
        var hello = TimeSpan.FromSeconds(options.Hello);

        var sw = Stopwatch.StartNew();
        Phase("registry", $"starting the registry in {mesh.RegistryNamespace} ({mesh.RegistryUri})");
        await mesh.StartRegistryAsync(cancel);
        Done("registry", sw.Elapsed, "registry answers");

        sw.Restart();
        Phase("register", $"registering {mesh.Nodes.Count} nodes: a token each from the registry DB, `vifibnet setup --token --no-boot` inside each node's namespace");
        await Task.WhenAll(mesh.Nodes.Select(n => mesh.RegisterAsync(n, cancel)));
        Done("register", sw.Elapsed, string.Join("  ", mesh.Nodes.Select(n => $"{n.Label}={n.Identity!.Prefix.ToCommonName()}")));

        sw.Restart();
        Phase("converge", $"starting {mesh.Nodes.Count} nodes (vifibnet node, hello {options.Hello} s); waiting for every pair to answer ping6 over the overlay");
        foreach (var n in mesh.Nodes) mesh.StartNode(n);
        var watcher = new MeshWatcher(mesh, new InlineProgress<MeshSnapshot>(s => Report("converge", s)));
        var all = MeshWatcher.Running(mesh);
        var converged = await watcher.WaitForAllPairsAsync(all, sw, Max(120, 30 * hello), cancel);
        Done("converge", converged, $"all {all.Count * (all.Count - 1)} pairs answer");

        // A mesh at rest, as the bench and the tests cut it: pairs answer as soon as one path each way works, while the
        // daemons may not yet count their tunnels up (which the cut is chosen from) nor babel have finished its handshakes.
        sw.Restart();
        Phase("settle", $"letting the mesh settle for two hellos ({2 * options.Hello} s)");
        await Task.Delay(2 * hello, cancel);
        Done("settle", sw.Elapsed, "every tunnel's handshake done");

        var cut = await MeshScenario.CutPathInUseAsync(mesh, cancel);
        sw.Restart();
        Phase("cut", $"{cut}: silent drop both ways, processes stay up");
        watcher = new MeshWatcher(mesh, new InlineProgress<MeshSnapshot>(s => Report("cut", s)));
        var rerouted = await watcher.WaitForAllPairsAsync(all, sw, Max(90, 20 * hello), cancel);
        Done("cut", rerouted, $"rerouted: all pairs answer again without the n{cut.From.Number}<->n{cut.Via.Number} path");
        mesh.RestorePaths(cut.From);

        var stopped = MeshScenario.PickNodeToStop(mesh, watcher.Last, cut.From, cut.Via, mesh.Nodes[0]);
        sw.Restart();
        Phase("stop", $"stopping {stopped.Label}; the others must drop their tunnels to it and stay connected");
        await mesh.StopNodeAsync(stopped);
        var rest = MeshWatcher.Running(mesh);
        watcher = new MeshWatcher(mesh, new InlineProgress<MeshSnapshot>(s => Report("stop", s)));
        var left = await watcher.WaitForAllPairsAsync(rest, sw, Max(90, 20 * hello), cancel, s => MeshScenario.NobodyTunnelsTo(s, stopped),
            $"all pairs without {stopped.Label}, and no tunnel to it");
        Done("stop", left, $"no tunnel to {stopped.Label} left; the other {rest.Count} nodes all answer each other");

        sw.Restart();
        Phase("restart", $"restarting {stopped.Label} with the same certificate and peer DB");
        mesh.StartNode(stopped);
        watcher = new MeshWatcher(mesh, new InlineProgress<MeshSnapshot>(s => Report("restart", s)));
        var rejoined = await watcher.WaitForAllPairsAsync(all, sw, Max(120, 25 * hello), cancel);
        Done("restart", rejoined, $"{stopped.Label} rejoined: all pairs answer");

        var result = new DemoResult(converged, rerouted, left, rejoined, cut.ToString(), stopped.Label);
        if (keep)
        {
            Note("keep", $"the mesh keeps running (--keep): e.g. `ip netns exec {mesh.Nodes[0].Namespace} ping -6 {mesh.Nodes[^1].Address}`, "
                + $"`vifibnet tunnels -s {mesh.Nodes[0].Directory}`; Ctrl+C removes everything");
            sw.Restart();
            while (!cancel.IsCancellationRequested)
            {
                try
                {
                    Report("keep", await MeshProbe.SnapshotAsync(mesh, MeshWatcher.Running(mesh), sw.Elapsed, cancel));
                    await Task.Delay(TimeSpan.FromSeconds(10), cancel);
                }
                catch (OperationCanceledException) { break; }
            }
        }
        Note("cleanup", $"removing {mesh.Lab.Namespaces.Count} namespaces, their processes and devices");
        return result;
    }

    static string Describe(MeshLab mesh)
    {
        var lines = new List<string>
        {
            $"internet 198.51.100.0/24 on a bridge in {mesh.InternetNamespace}; registry {mesh.RegistryNamespace} {mesh.RegistryUri}; files in {mesh.WorkDir}",
        };
        foreach (var n in mesh.Nodes)
            lines.Add(n.Host.BehindNat
                ? $"{n.Label,-4} {n.Namespace,-8} {n.Host.Address,-15} behind NAT {n.Host.GatewayWan} ({mesh.Lab.Namespace(n.Host.Gateway!)}): accepts no tunnels"
                : $"{n.Label,-4} {n.Namespace,-8} {n.Host.Address,-15} on the internet");
        return string.Join('\n', lines);
    }

    static TimeSpan Max(int seconds, TimeSpan other) => TimeSpan.FromSeconds(Math.Max(seconds, other.TotalSeconds));

    void Phase(string phase, string text) => progress.Report(new DemoEvent(DemoEventKind.PhaseStarted, phase, text));

    void Done(string phase, TimeSpan elapsed, string text) => progress.Report(new DemoEvent(DemoEventKind.PhaseDone, phase, text, null, elapsed));

    void Note(string phase, string text) => progress.Report(new DemoEvent(DemoEventKind.Note, phase, text));

    void Report(string phase, MeshSnapshot snapshot) => progress.Report(new DemoEvent(DemoEventKind.Snapshot, phase, "", snapshot));
}
