using Vifibnet.Lab;

namespace Vifibnet.Tests.Mesh;

/// <summary>
/// What the lossy-underlay figure counts as "torn down": openvpn's inactivity timeouts told apart, on lines as
/// openvpn 2.6 writes them (taken from a saved 10-minute run whose counter said 7 and whose logs showed no live tunnel lost).
/// </summary>
public sealed class LossyRunTests
{
    [Fact]
    public void OnlyAnEstablishedClientTunnelGivenUpCountsAsTornDown()
    {
        var t = LossyRun.Timeouts.In([
            "2026-12-05 08:22:56 [5/16] Inactivity timeout (--ping-exit), exiting",
            "2026-12-05 08:23:07 [UNDEF] Inactivity timeout (--ping-exit), exiting",
            "2026-12-05 08:22:56 3/16/198.51.100.107:52796 [3/16] Inactivity timeout (--ping-restart), restarting",
            "2026-12-05 08:22:57 3/16/198.51.100.107:52796 SIGUSR1[soft,ping-restart] received, client-instance restarting",
            "2026-12-05 08:22:40 [5/16] Peer Connection Initiated with [AF_INET]198.51.100.105:1194",
        ]);
        Assert.Equal(new LossyRun.Timeouts(Established: 1, Handshakes: 1, Server: 1), t);
        Assert.Equal(3, t.All);
    }
}
