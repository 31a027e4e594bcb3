using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

/// <summary>
/// What makes a signed request cheap must not make it weaker: the replay memory forgets only what its
/// timestamp would refuse anyway, and the in-memory peer pool shows every declare at once and whatever
/// changed in the table within its resync interval.
/// </summary>
public sealed class SignedRequestPathTests
{
    [Fact]
    public void ReplaysAreRefusedInsideTheWindowAndTheMemoryIsBoundedByTime()
    {
        var replay = new ReplayWindow(300);
        const long start = 1_800_000_000;
        for (var i = 0; i < 10_000; i++)
            Assert.True(replay.TryRecord((ulong)i, start + i % 60, start + 60));
        Assert.Equal(10_000, replay.Count);
        Assert.False(replay.TryRecord(42, start + 42, start + 60)); // same request, same second: a replay
        Assert.False(replay.TryRecord(42, start + 42, start + 342)); // still inside the window: still refused
        Assert.Equal(Enumerable.Range(0, 10_000).Count(i => i % 60 >= 42), replay.Count); // seconds start+0..41 left the window

        // Once their seconds are out of the window (where the timestamp check refuses them), they are gone.
        Assert.True(replay.TryRecord(1_000_000, start + 400, start + 400));
        Assert.Equal(1, replay.Count);
    }

    [Fact]
    public void TheReplayRingNeverForgetsASecondInsideTheWindow()
    {
        var replay = new ReplayWindow(300);
        const long start = 1_800_000_000;
        // The oldest and the newest second of the window, and every second between, are kept apart.
        for (var second = start - 300; second <= start + 300; second++)
            Assert.True(replay.TryRecord(7, second, start));
        for (var second = start - 300; second <= start + 300; second++)
            Assert.False(replay.TryRecord(7, second, start));
        Assert.Equal(601, replay.Count);
        // 601 s later, each slot is taken by a second of the new window: the old requests are gone.
        Assert.True(replay.TryRecord(7, start + 301, start + 601));
        Assert.Equal(1, replay.Count); // the window is now start+301..start+901
    }

    [Fact]
    public async Task ReplayedSignedRequestsAreStillRefusedOverHttp()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var cert = await registry.RegisterAsync(keys);
        var (c, ts, nonce, sig) = NodeRequestSignature.Sign(cert, keys.Key, "GET", "/v1/peers?n=5", [], DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        async Task<System.Net.HttpStatusCode> Send()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry.Uri(), "v1/peers?n=5"));
            request.Headers.Add(NodeRequestSignature.CertificateHeader, c);
            request.Headers.Add(NodeRequestSignature.TimestampHeader, ts);
            request.Headers.Add(NodeRequestSignature.NonceHeader, nonce);
            request.Headers.Add(NodeRequestSignature.SignatureHeader, sig);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        Assert.Equal(System.Net.HttpStatusCode.OK, await Send());
        Assert.NotEqual(System.Net.HttpStatusCode.OK, await Send());
    }

    [Fact]
    public async Task PeerListsSeeDeclaresAtOnceAndTableChangesWithinTheResyncInterval()
    {
        var clock = new ManualClock();
        using var dir = new TempDir();
        using var ca = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        using var db = new RegistryDb(dir.File("registry.db"));
        var service = new RegistryService(new RegistryOptions(), db, ca, Logger.Null, clock);
        var nodes = new List<AuthenticatedNode>();
        var keys = new List<NodeKeys>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(new NodeKeys());
            var pem = service.IssueCertificate(new CertificateRequestMessage(AdminTokens.Create(db.Path, null).Token, keys[i].Csr())).Certificate;
            nodes.Add(new AuthenticatedNode(NodePrefix.ParseBinary(((i == 0 ? "0" : i == 1 ? "1" : "10")).PadLeft(16, '0')),
                System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem)));
        }
        Assert.Empty(service.GetPeerList(nodes[0], 10).Peers); // loaded (empty) before anyone declares

        service.Declare(nodes[1], new DeclareRequest("198.51.100.1,1194,udp"));
        Assert.Equal(["198.51.100.1,1194,udp"], service.GetPeerList(nodes[0], 10).Peers.Select(p => p.Address));
        service.Declare(nodes[1], new DeclareRequest("198.51.100.2,1194,udp"));
        service.Declare(nodes[0], new DeclareRequest("198.51.100.3,1194,udp"));
        Assert.Equal(["198.51.100.2,1194,udp"], service.GetPeerList(nodes[0], 10).Peers.Select(p => p.Address)); // never itself
        Assert.Equal(2, service.GetPeerList(nodes[2], 10).Peers.Count);

        // Deleted behind the registry's back (an administrator): gone once the pool resyncs.
        db.Write((c, t) =>
        {
            using var delete = c.CreateCommand();
            delete.Transaction = t;
            delete.CommandText = "DELETE FROM peer WHERE prefix = '0000000000000001'";
            delete.ExecuteNonQuery();
        });
        clock.Advance(PeerPool.ResyncInterval);
        Assert.Equal(["198.51.100.3,1194,udp"], service.GetPeerList(nodes[2], 10).Peers.Select(p => p.Address));

        // Changed behind its back: the new address once the pool resyncs (a resync keeps only unchanged rows' strings).
        db.Write((c, t) =>
        {
            using var update = c.CreateCommand();
            update.Transaction = t;
            update.CommandText = "UPDATE peer SET address = '198.51.100.4,1194,udp' WHERE prefix = '0000000000000000'";
            update.ExecuteNonQuery();
        });
        Assert.Equal(["198.51.100.3,1194,udp"], service.GetPeerList(nodes[2], 10).Peers.Select(p => p.Address));
        clock.Advance(PeerPool.ResyncInterval);
        Assert.Equal(["198.51.100.4,1194,udp"], service.GetPeerList(nodes[2], 10).Peers.Select(p => p.Address));

        // Not declared again within the peer time-out: no longer listed.
        clock.Advance(PeerTable.DefaultTimeout);
        Assert.Empty(service.GetPeerList(nodes[2], 10).Peers);
        keys.ForEach(k => k.Dispose());
        await Task.CompletedTask;
    }

    [Fact]
    public void ManyPeersArePickedAtRandomWithoutRepeats()
    {
        var clock = new ManualClock();
        using var dir = new TempDir();
        using var ca = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48"));
        using var db = new RegistryDb(dir.File("registry.db"));
        db.Write((c, t) =>
        {
            for (var i = 1; i <= 1000; i++)
                PeerTable.Declare(c, t, Convert.ToString(i, 2).PadLeft(16, '0'), $"198.51.100.{i % 250 + 1},1194,udp", clock.GetUtcNow());
        });
        var pool = new PeerPool(db, clock);
        var seen = new HashSet<string>();
        for (var round = 0; round < 50; round++)
        {
            var picked = pool.PickRandom(20, "0000000000000001", clock.GetUtcNow().AddDays(-1));
            Assert.Equal(20, picked.Select(p => p.Prefix).Distinct().Count());
            Assert.DoesNotContain("0000000000000001", picked.Select(p => p.Prefix));
            seen.UnionWith(picked.Select(p => p.Prefix));
        }
        Assert.True(seen.Count > 500, $"50 lists of 20 covered only {seen.Count} of 1,000 peers");
    }
}
