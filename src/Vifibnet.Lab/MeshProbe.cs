using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Vifibnet.Node;
using Vifibnet.Processes;
using Vifibnet.Routing;

namespace Vifibnet.Lab;

/// <summary>
/// Looks at a running mesh from outside: all-pairs ping6 over the overlay (each source pings every
/// destination at once, from inside its namespace), and each node's tunnels and babel routes through
/// its control and babeld sockets (unix sockets: reachable from any namespace). The queries that
/// tests assert on throw when the node does not answer: a dead control socket is never "no tunnels".
/// </summary>
public static class MeshProbe
{
    /// <summary>How long one ping waits for its answer.</summary>
    public const int PingTimeoutSeconds = 2;

    public static async Task<MeshSnapshot> SnapshotAsync(MeshLab mesh, IReadOnlyList<int> members, TimeSpan elapsed, CancellationToken cancel)
    {
        var matrix = PingAllAsync(mesh, cancel);
        var status = await Task.WhenAll(mesh.Nodes.Select(n => StatusAsync(n, mesh, cancel)));
        return new MeshSnapshot(elapsed, status, await matrix, members);
    }

    public static Task<Reachability> PingAllAsync(MeshLab mesh, CancellationToken cancel) =>
        PingAllAsync(mesh, $"-c 1 -W {PingTimeoutSeconds}", cancel);

    /// <summary>
    /// All pairs, each pair counting as answered when any of up to <paramref name="seconds"/> × 5 echo requests
    /// (one every 0.2 s until the first reply; 25 in 5 s) is answered: whether a pair is connected at all over a lossy underlay,
    /// where one ping crossing a few lossy links is lost often.
    /// </summary>
    public static Task<Reachability> PingAllPersistentAsync(MeshLab mesh, int seconds, CancellationToken cancel) =>
        PingAllAsync(mesh, $"-c 1 -i 0.2 -w {seconds}", cancel);

    static async Task<Reachability> PingAllAsync(MeshLab mesh, string pingOptions, CancellationToken cancel)
    {
        var targets = mesh.Nodes.Where(n => n.Identity is not null).ToList();
        var rows = await Task.WhenAll(mesh.Nodes.Where(n => n.Running).Select(async from =>
        {
            var others = targets.Where(t => t != from).ToList();
            var answered = await Task.Run(() => Ping(mesh.Lab, from.Namespace, others.Select(o => o.Address), pingOptions), cancel);
            return others.Where(o => answered.Contains(o.Address.ToString())).Select(o => (from.Number, o.Number));
        }));
        return new Reachability(mesh.Nodes.Count, rows.SelectMany(r => r).ToHashSet());
    }

    /// <summary>Pings every address at once from inside <paramref name="ns"/>; returns the ones that answered.</summary>
    static HashSet<string> Ping(NetworkLab lab, string ns, IEnumerable<IPAddress> addresses, string pingOptions)
    {
        var script = new StringBuilder();
        foreach (var a in addresses)
            script.Append($"(ping -6 -n -q {pingOptions} {a} >/dev/null 2>&1 && echo {a}) & ");
        script.Append("wait");
        var (_, output) = lab.TryExec(ns, "sh", "-c", script.ToString());
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
    }

    public static async Task<MeshNodeStatus> StatusAsync(MeshNode node, MeshLab mesh, CancellationToken cancel)
    {
        if (!node.Running || node.Identity is null) return MeshNodeStatus.Stopped(node.Number);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var tunnels = await ControlClient.GetTunnelsAsync(node.Directory, timeout.Token);
            var routes = await BabelControl.DumpRoutesAsync(Path.Combine(node.Directory, "run", "babeld.sock"), timeout.Token);
            var others = mesh.Nodes.Where(n => n != node && n.Identity is not null).Select(n => n.Address).ToHashSet();
            var learned = routes.Where(r => r.Installed && r.Length == 128 && others.Contains(r.Destination)).Select(r => r.Destination).Distinct().Count();
            var up = tunnels.Where(t => t.State == "up").ToList();
            return new MeshNodeStatus(node.Number, true, up.Count, learned, [.. up.Select(t => t.Peer)]);
        }
        catch (Exception e) when (e is NodeDaemonException or NodeNotRunningException or IOException or System.Net.Sockets.SocketException or System.Text.Json.JsonException
                                   or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            // Starting or stopping: it has no sockets yet (or any more).
            return new MeshNodeStatus(node.Number, true, 0, 0, []);
        }
    }

    /// <summary>The interface node <paramref name="from"/> routes <paramref name="to"/>'s overlay address through (babel's installed route), or null.</summary>
    public static async Task<string?> RouteDeviceAsync(MeshNode from, MeshNode to, CancellationToken cancel)
    {
        var routes = await BabelControl.DumpRoutesAsync(Path.Combine(from.Directory, "run", "babeld.sock"), cancel);
        return routes.FirstOrDefault(r => r.Installed && r.Length == 128 && r.Destination.Equals(to.Address))?.Device;
    }

    /// <summary>One line of `vifibnet tunnels --json`.</summary>
    public sealed record Tunnel(string Peer, string Interface, string Direction, string Remote, string State, int Routes);

    /// <summary>
    /// `vifibnet tunnels -s DIR --json` run inside namespace <paramref name="ns"/> by <paramref name="vifibnet"/>
    /// (program and leading arguments); throws <see cref="MeshLabException"/> when the node does not answer.
    /// </summary>
    public static async Task<List<Tunnel>> TunnelsAsync(NetworkLab lab, string ns, string dir, IReadOnlyList<string> vifibnet)
    {
        var (code, json) = await Task.Run(() => lab.TryExec(ns, vifibnet[0], [.. vifibnet.Skip(1), "tunnels", "-s", dir, "--json"]));
        if (code != 0) throw new MeshLabException($"`vifibnet tunnels -s {dir}` in {ns} failed ({code}): {json.Trim()}");
        return JsonSerializer.Deserialize(json, MeshProbeJson.Default.ListTunnel)
            ?? throw new MeshLabException($"`vifibnet tunnels -s {dir}` in {ns} printed no list: {json.Trim()}");
    }

    /// <summary>
    /// Waits until every namespace in <paramref name="hosts"/> pings every other host's overlay address
    /// (one ping each, retried until the deadline); throws <see cref="MeshLabException"/> naming the
    /// pairs still failing when <paramref name="timeout"/> passes.
    /// </summary>
    public static Task WaitForAllPairsAsync(NetworkLab lab, IReadOnlyList<(string Namespace, IPAddress Address)> hosts, Stopwatch since, TimeSpan timeout)
    {
        var pending = new List<(int From, int To)>();
        for (var a = 0; a < hosts.Count; a++)
            for (var b = 0; b < hosts.Count; b++)
                if (a != b) pending.Add((a, b));
        return Until(() =>
        {
            pending.RemoveAll(p => lab.TryExec(hosts[p.From].Namespace, "ping", "-6", "-c", "1", "-W", "1", hosts[p.To].Address.ToString()).ExitCode == 0);
            return Task.FromResult(pending.Count == 0);
        }, timeout, () => $"every node to ping every other overlay address; still failing: {string.Join(", ", pending.Select(p => $"{hosts[p.From].Namespace}->{hosts[p.To].Address}"))} after {since.Elapsed.TotalSeconds:0} s");
    }

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what) => Until(condition, timeout, () => what);

    /// <summary>Waits for <paramref name="condition"/>; throws <see cref="MeshLabException"/> saying what did not happen once <paramref name="timeout"/> passes.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new MeshLabException($"timed out after {timeout.TotalSeconds:0} s waiting for {what()}");
            await Task.Delay(500);
        }
    }
}

/// <summary>The JSON of `vifibnet tunnels --json` as the lab reads it, made at compile time (no reflection in the native program).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<MeshProbe.Tunnel>))]
sealed partial class MeshProbeJson : System.Text.Json.Serialization.JsonSerializerContext;
