using Vifibnet.Node;

namespace Vifibnet.Lab;

/// <summary>The faults the demo, the tests and the benchmark inflict on a running mesh, chosen from what the mesh is doing.</summary>
public static class MeshScenario
{
    /// <summary>
    /// Finds a path in use and cuts it: a node (those behind NAT first: they only have client tunnels)
    /// whose installed route to another node leaves through one of its client tunnels, preferring a route
    /// that goes through a third node; the underlay between the node and that tunnel's peer is cut.
    /// </summary>
    public static async Task<PathCut> CutPathInUseAsync(MeshLab mesh, CancellationToken cancel, Func<MeshNode, bool>? allowed = null)
    {
        // A mesh that just converged may not route any pair over a client tunnel that openvpn already calls connected: babel
        // still completes its handshakes, and the first routes may go over the servers' taps.
        for (var attempt = 1; ; attempt++)
        {
            if (await FindPathInUseAsync(mesh, cancel, allowed) is { } cut) return Apply(mesh, cut);
            if (attempt == 10) throw new MeshLabException("no node routes through a client tunnel of its own: nothing to cut");
            await Task.Delay(TimeSpan.FromSeconds(1), cancel);
        }
    }

    static async Task<PathCut?> FindPathInUseAsync(MeshLab mesh, CancellationToken cancel, Func<MeshNode, bool>? allowed)
    {
        PathCut? direct = null;
        var running = mesh.Nodes.Where(n => n.Running && (allowed?.Invoke(n) ?? true)).ToList();
        foreach (var from in running.OrderByDescending(n => n.Host.BehindNat).ThenBy(n => n.Number))
        {
            var tunnels = await ControlClient.GetTunnelsAsync(from.Directory, cancel);
            foreach (var to in running.Where(n => n != from))
            {
                var device = await MeshProbe.RouteDeviceAsync(from, to, cancel);
                var tunnel = tunnels.FirstOrDefault(t => t.Interface == device && t.Direction == "client" && t.State == "up");
                var via = tunnel is null ? null : mesh.Nodes.FirstOrDefault(n => n.Identity is not null && n.Prefix == tunnel.Peer);
                if (via is null || !via.Running) continue;
                var cut = new PathCut(from, to, via, device!);
                if (via != to) return cut;
                direct ??= cut;
            }
        }
        return direct;
    }

    static PathCut Apply(MeshLab mesh, PathCut cut)
    {
        mesh.CutPath(cut.From, cut.Via);
        return cut;
    }

    /// <summary>
    /// A node to stop: on the internet and not node 1 (the first to start) if possible, preferring one
    /// not in <paramref name="spare"/>, then the one carrying the most tunnels in <paramref name="last"/>.
    /// </summary>
    public static MeshNode PickNodeToStop(MeshLab mesh, MeshSnapshot? last, params MeshNode[] spare) =>
        mesh.Nodes.Where(n => n.Running && n != mesh.Nodes[0])
            .OrderBy(n => n.Host.BehindNat)
            .ThenBy(n => spare.Contains(n))
            .ThenByDescending(n => last?.Nodes.FirstOrDefault(s => s.Number == n.Number)?.TunnelsUp ?? 0)
            .ThenByDescending(n => n.Number)
            .FirstOrDefault()
        ?? throw new MeshLabException("no running node besides n1 to stop");

    /// <summary>True when no running node has a tunnel up to <paramref name="gone"/> (they noticed it left).</summary>
    public static bool NobodyTunnelsTo(MeshSnapshot snapshot, MeshNode gone) =>
        snapshot.Nodes.Where(s => s.Running).All(s => !s.TunnelPeers.Contains(gone.Prefix));
}
