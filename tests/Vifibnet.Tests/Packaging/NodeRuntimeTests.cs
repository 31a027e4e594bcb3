using Vifibnet.Node;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Packaging;

public class NodeRuntimeTests
{
    [Fact]
    public void TheNodeUnitRunsTheNodeWithTheRuntimeSettingsTheMeshLabUses()
    {
        var unit = File.ReadAllLines(Path.Combine(RepoRoot.Path, "packaging", "systemd", "vifibnet-node@.service"));
        var environment = Assert.Single(unit, l => l.StartsWith("Environment=", StringComparison.Ordinal));
        Assert.Equal(NodeRuntime.Environment.Select(e => $"{e.Key}={e.Value}"), environment["Environment=".Length..].Split(' '));
    }
}
