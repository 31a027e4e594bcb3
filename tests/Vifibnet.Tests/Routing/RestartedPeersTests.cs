using System.Net;
using Vifibnet.Routing;

namespace Vifibnet.Tests.Routing;

/// <summary><see cref="RestartedPeers"/> over ticks of babeld neighbour lists: a restart is told, a reload and a replacement tunnel are not.</summary>
public sealed class RestartedPeersTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 5, 10, 52, 4, TimeSpan.Zero);

    static BabelNeighbour[] On(string device, params string[] addresses) => [.. addresses.Select(a => new BabelNeighbour(IPAddress.Parse(a), device))];

    static RestartedPeers Watching() => new(d => d.StartsWith("vifib-c", StringComparison.Ordinal));

    [Fact]
    public void APeersNewAddressOnAClientTapIsARestartTheSameAddressIsNot()
    {
        var peers = Watching();
        Assert.Empty(peers.Update([], [.. On("vifib-c0", "fe80::a"), .. On("vifib-s0", "fe80::1")], T0));
        Assert.Empty(peers.Update([], [.. On("vifib-c0", "fe80::a"), .. On("vifib-s0", "fe80::1", "fe80::2")], T0.AddSeconds(2))); // a server's new client: not watched
        Assert.Equal(["vifib-c0"], peers.Update([], On("vifib-c0", "fe80::b"), T0.AddSeconds(4)));
        Assert.Empty(peers.Update([], On("vifib-c0", "fe80::b"), T0.AddSeconds(6)));
    }

    [Fact]
    public void AReplacementTunnelOnAReusedDeviceNameIsNoRestartWhileTheOldNeighbourLingers()
    {
        var peers = Watching();
        Assert.Empty(peers.Update([], On("vifib-c0", "fe80::a"), T0));
        // The old tunnel died and a new one came up on vifib-c0: babeld still lists the old peer, then both, then the new one.
        Assert.Empty(peers.Update(["vifib-c0"], On("vifib-c0", "fe80::a"), T0.AddSeconds(2)));
        Assert.Empty(peers.Update([], On("vifib-c0", "fe80::a", "fe80::c"), T0.AddSeconds(4)));
        Assert.Empty(peers.Update([], On("vifib-c0", "fe80::c"), T0.AddSeconds(8)));
        Assert.Empty(peers.Update([], On("vifib-c0", "fe80::c"), T0.AddSeconds(13)));
        // Past the window the tap is watched again: the new peer's own restart is told.
        Assert.Equal(["vifib-c0"], peers.Update([], On("vifib-c0", "fe80::d"), T0.AddSeconds(15)));
    }
}
