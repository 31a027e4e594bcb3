using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Node;

/// <summary>`peers update` on a stopped node: the registry and certificate it last ran with (kept in peers.db), real HTTP on loopback.</summary>
public sealed class StoppedNodePeersTests
{
    static void Remember(string dir, Uri registry, string? address)
    {
        using var db = PeerDb.Open(Path.Combine(dir, "peers.db"));
        db.SetConfig("registry", registry.ToString());
        db.SetConfig("ca", Path.Combine(dir, "ca.pem"));
        db.SetConfig("cert", Path.Combine(dir, "cert.crt"));
        db.SetConfig("key", Path.Combine(dir, "cert.key"));
        if (address is not null) db.SetConfig("address", address);
    }

    [Fact]
    public async Task StoppedNodesDeclareAndLearnEachOtherFromTheRegistry()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var network = new TestNetwork(registry.Ca);
        var one = network.MakeNode(1);
        var two = network.MakeNode(2);
        network.RecordIn(registry.Db.Path);
        Remember(one, registry.Uri(), "198.51.100.1,1194,udp");
        Remember(two, registry.Uri(), "198.51.100.2,1194,udp;198.51.100.2,1194,tcp-client");

        var first = await NodeControl.UpdatePeersAsync(one, Logger.Null);
        Assert.Equal("198.51.100.1,1194,udp", first.Declared);
        var second = await NodeControl.UpdatePeersAsync(two, Logger.Null);
        Assert.Equal((1, 1, 1), (second.Received, second.Added, second.Total));
        var again = await NodeControl.UpdatePeersAsync(one, Logger.Null);
        Assert.Equal((1, 1), (again.Added, again.Total));

        using var db = PeerDb.Open(Path.Combine(one, "peers.db"));
        var peer = Assert.Single(db.All());
        Assert.Equal((TestNetwork.PrefixOf(2), "198.51.100.2,1194,udp;198.51.100.2,1194,tcp-client", PeerState.Unused), (peer.Prefix, peer.Address, peer.State));
    }

    [Fact]
    public async Task UnreachableRegistryIsNamed()
    {
        using var network = new TestNetwork();
        var one = network.MakeNode(1);
        var closed = new Uri("http://127.0.0.1:9/"); // discard port: nothing listens
        Remember(one, closed, "198.51.100.1,1194,udp");
        var e = await Assert.ThrowsAsync<Vifibnet.Protocol.RegistryCallException>(() => NodeControl.UpdatePeersAsync(one, Logger.Null));
        Assert.Contains("127.0.0.1:9", e.Message);
    }
}
