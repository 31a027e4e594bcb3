using System.Net;
using Vifibnet.Logging;
using Vifibnet.Routing;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Routing;

/// <summary>
/// The tunnel probe with the real kernel (a raw ICMPv6 socket, so root): a neighbour that answers stays trusted, one
/// that cannot answer is suspected after the timeout, and the suspicion clears when it answers. Loopback stands in for
/// a tap (the kernel answers echo requests on ::1 as on a link-local address); the mesh tests probe real taps.
/// </summary>
[RequiresRoot]
public class LinkProbeTests
{
    static readonly Logger Quiet = new(LogLevel.Warning, _ => { });

    [Fact]
    public async Task AnAnsweringNeighbourIsNotSuspectedAndASilentOneIsAfterTheTimeout()
    {
        var changes = 0;
        using var probe = LinkProbe.Start(TimeSpan.FromSeconds(1), () => Interlocked.Increment(ref changes), Quiet);
        Assert.NotNull(probe);
        // ::1 answers; 2001:db8::dead (documentation prefix) is routed nowhere and cannot.
        probe.Watch(new Dictionary<string, FailoverRoutes.Neighbour>
        {
            ["alive"] = new(IPAddress.IPv6Loopback, "lo"),
            ["silent"] = new(IPAddress.Parse("2001:db8::dead"), "lo"),
        });
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(["silent"], probe.Suspected());
        // (On a loaded machine "alive" may have been late once: then it was suspected and cleared again.)
        var events = probe.TakeEvents();
        Assert.Contains(events, e => e.Peer == "silent" && e.Suspected);
        Assert.DoesNotContain(events, e => e.Peer == "silent" && !e.Suspected);
        Assert.True(Volatile.Read(ref changes) >= 1);
    }
}
