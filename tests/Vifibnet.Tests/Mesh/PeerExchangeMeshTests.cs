using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Mesh;

/// <summary>
/// Peer exchange end to end, as root, the registry stopped: nodes whose peer DB holds one bootstrap
/// peer learn the rest from their tunnel neighbours (signed declarations over the overlay) and reach
/// their full connection count, and half a mesh restarted that way returns to all pairs. 8 nodes
/// (the issue's 16 is the benchmark's size on this shared 2-core machine), none behind NAT, 
/// --connection-count 6 (3 client tunnels a node: at least 2 must come from peer exchange).
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class PeerExchangeMeshTests(ITestOutputHelper output)
{
    const int ConnectionCount = 6;
    static readonly TimeSpan RefillTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task WithoutTheRegistryNodesRestartedWithOnlyABootstrapPeerRefillFromTheirNeighbours()
    {
        await using var bed = await MeshTestBed.StartAsync(output, nodes: 8,
            configure: o => o with { NatCount = 0, ConnectionCount = ConnectionCount, PeerExchange = 30 });
        await bed.RunAsync(async () =>
        {
            var mesh = bed.Mesh;
            await mesh.StopRegistryAsync();

            // One node, its peer DB reduced to one bootstrap peer.
            var node = mesh.Nodes[^1];
            await mesh.StopNodeAsync(node);
            ResetPeerDb(node, mesh.Nodes[0]);
            var sw = Stopwatch.StartNew();
            mesh.StartNode(node);
            var full = await WaitForFullConnectionCountAsync(node, mesh.Nodes.Count - 1);
            output.WriteLine($"{node.Label}, bootstrap peer only, registry stopped: client tunnels up and {mesh.Nodes.Count - 1} peers known {full.TotalSeconds:0.0} s after start");
            var peers = await ControlClient.GetPeersAsync(node.Directory);
            // Learned from neighbours: the bootstrap peer, or the nodes whose tunnels reached its server first (a race).
            var neighbours = mesh.Nodes.Where(n => n != node).Select(n => n.Prefix).ToHashSet();
            Assert.True(peers.Count(p => p.Source == "exchange" && neighbours.Contains(p.Via!)) >= ConnectionCount / 2,
                "peers learned through exchange: " + string.Join(", ", peers.Select(p => $"{p.Prefix} {p.Source} via {p.Via}")));
            Assert.DoesNotContain(peers, p => p.Prefix == node.Prefix);
            var status = await ControlClient.GetStatusAsync(node.Directory);
            Assert.NotNull(status.LastRegistryError);
            var pairs = await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, RefillTimeout, CancellationToken.None);
            output.WriteLine($"all pairs answer {pairs.TotalSeconds:0.0} s after its start");

            // Half the mesh, each with another survivor as its bootstrap peer (as the registry hands out random ones).
            var half = mesh.Nodes.Skip(mesh.Nodes.Count / 2).ToList();
            await Task.WhenAll(half.Select(mesh.StopNodeAsync));
            for (var i = 0; i < half.Count; i++) ResetPeerDb(half[i], mesh.Nodes[i]);
            sw.Restart();
            foreach (var n in half) mesh.StartNode(n);
            var all = await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, RefillTimeout, CancellationToken.None);
            output.WriteLine($"half the mesh ({half.Count} nodes) restarted with bootstrap peers only, registry stopped: all pairs answer {all.TotalSeconds:0.0} s after their start");
            // All pairs can answer before a restarted node has asked anyone (its neighbours' tunnels reach its server):
            // each is given until the refill timeout to learn peers from its neighbours.
            foreach (var n in half)
            {
                IReadOnlyList<PeerListing> known = [];
                await MeshProbe.Until(async () =>
                {
                    known = await ControlClient.GetPeersAsync(n.Directory);
                    return known.Any(p => p.Source == "exchange");
                }, RefillTimeout, () => $"{n.Label} to learn a peer through exchange; it knows " + string.Join(", ", known.Select(p => $"{p.Prefix} {p.State} from {p.Source}")));
                output.WriteLine($"{n.Label}: {known.Count} peers known, {known.Count(p => p.Source == "exchange")} from peer exchange");
            }
        });
    }

    /// <summary>peers.db emptied (the file removed) and given one peer, as setup writes a bootstrap peer.</summary>
    static void ResetPeerDb(MeshNode node, MeshNode bootstrap)
    {
        var path = Path.Combine(node.Directory, "peers.db");
        foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
        using var db = PeerDb.Open(path);
        db.AddBootstrap(new Peer(bootstrap.Prefix, $"{bootstrap.Host.Address},1194,udp"));
    }

    async Task<TimeSpan> WaitForFullConnectionCountAsync(MeshNode node, int peers)
    {
        var sw = Stopwatch.StartNew();
        var last = "no status yet";
        await MeshProbe.Until(async () =>
        {
            try
            {
                var status = await ControlClient.GetStatusAsync(node.Directory);
                last = $"{status.ClientTunnelsUp} client tunnels up, {status.ServerClients} peers on our server, {status.PeersKnown} peers known";
                // Full: every client slot used, or every peer not already linked to us through our server (one tunnel per
                // pair: the others, reconnecting after the restart, may have taken all but two).
                return status.PeersKnown >= peers && status.ClientTunnelsUp >= Math.Min(ConnectionCount / 2, peers - status.ServerClients);
            }
            catch (Exception e) when (e is NodeNotRunningException or NodeDaemonException)
            {
                last = e.Message;
                return false;
            }
        }, RefillTimeout, () => $"{node.Label} to have its client tunnels up and know {peers} peers (last: {last})");
        return sw.Elapsed;
    }
}
