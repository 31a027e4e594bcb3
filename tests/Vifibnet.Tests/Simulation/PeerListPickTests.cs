using Vifibnet.Simulation;

namespace Vifibnet.Tests.Simulation;

public class PeerListPickTests
{
    static List<HashSet<string>> PeerDbs(PeerListPick pick)
    {
        var net = new OverlayNetwork(1000, 5, peerListSize: 50, peerLists: 1, maxIncoming: 0);
        net.AddPeerLists(new Random(7), pick);
        var dbs = new List<HashSet<string>>();
        var into = new List<string>();
        for (var u = 0; u < 1000; u++)
        {
            net.Candidates(u, into);
            dbs.Add([.. into]);
        }
        return dbs;
    }

    static int PairsSharingHalf(List<HashSet<string>> dbs)
    {
        var pairs = 0;
        for (var a = 0; a < dbs.Count; a++)
            for (var b = a + 1; b < dbs.Count; b++)
                if (dbs[a].Count(dbs[b].Contains) >= 25) pairs++;
        return pairs;
    }

    [Theory]
    [InlineData(PeerListPick.Uniform)]
    [InlineData(PeerListPick.Window)]
    public void EveryNodeGetsAFullListOfOthers(PeerListPick pick)
    {
        var dbs = PeerDbs(pick);
        for (var u = 0; u < dbs.Count; u++)
        {
            Assert.Equal(50, dbs[u].Count);
            Assert.DoesNotContain(Convert.ToString(u, 2).PadLeft(16, '0'), dbs[u]);
        }
    }

    [Fact]
    public void UniformListsBarelyOverlapWhileRegistryWindowsDo()
    {
        // Uniform: two lists share 2.5 peers on average, never half. Window: lists starting within 25
        // places of each other in the registry's key order share half or more, about 1000 x 1000 / 2 x 51/1000 pairs.
        Assert.Equal(0, PairsSharingHalf(PeerDbs(PeerListPick.Uniform)));
        Assert.InRange(PairsSharingHalf(PeerDbs(PeerListPick.Window)), 15000, 35000);
    }
}
