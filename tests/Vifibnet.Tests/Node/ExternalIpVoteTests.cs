using System.Net;
using Vifibnet.Node;

namespace Vifibnet.Tests.Node;

/// <summary>The external IP a node without --ip declares: what most of its tunnels' servers saw, never one liar's word against the others.</summary>
public sealed class ExternalIpVoteTests
{
    static readonly IPAddress Real = IPAddress.Parse("198.51.100.20"), Lie = IPAddress.Parse("203.0.113.66"), NewExit = IPAddress.Parse("198.51.100.21");

    [Fact]
    public void TheFirstAddressSeenIsTakenWhenNoneIsKnown() =>
        Assert.Equal(Real, ExternalIpVote.Choose([Real], null));

    [Fact]
    public void NothingSeenKeepsWhatIsKnown() =>
        Assert.Null(ExternalIpVote.Choose([], Real));

    [Fact]
    public void OneLyingServerCannotMoveTheAddressOthersConfirm()
    {
        Assert.Null(ExternalIpVote.Choose([Lie, Real, Real], Real));
        // Even first in tunnel order and with the address not yet known, the lie loses to the majority.
        Assert.Equal(Real, ExternalIpVote.Choose([Lie, Real, Real], null));
    }

    [Fact]
    public void ATieKeepsTheAddressInUse() =>
        Assert.Null(ExternalIpVote.Choose([NewExit, Real], Real));

    [Fact]
    public void AnAddressChangeSeenByMostTunnelsIsFollowed() =>
        Assert.Equal(NewExit, ExternalIpVote.Choose([NewExit, Real, NewExit], Real));
}
