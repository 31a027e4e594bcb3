using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Mesh;

/// <summary>
/// README's main job, `vifibnet demo`, run as the real program with every part real (registry, nodes, openvpn, babeld,
/// NAT in namespaces): it must build the mesh, cut a path in use, stop and restart a node, and exit 0. It once failed
/// when the mesh converged faster than the daemons counted their tunnels up: no path in use to cut.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class DemoMeshTests
{
    [Fact]
    public async Task TheDemoBuildsAMeshThenCutsAPathInUseStopsAndRestartsANodeAndExitsZero()
    {
        using var demo = new CliRun.Process(["demo", "--nodes", "4"]);
        var code = await demo.Child.Exited.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"vifibnet demo exited {code}:\n{demo.Output}");
        foreach (var phase in new[] { "converge", "settle", "cut", "stop", "restart" })
            Assert.Contains($"== {phase}:", demo.Output);
        Assert.Matches(@"done in [0-9.]+ s: rerouted: all pairs answer again", demo.Output);
        Assert.Matches(@"done in [0-9.]+ s: n\d+ rejoined: all pairs answer", demo.Output);
    }
}
