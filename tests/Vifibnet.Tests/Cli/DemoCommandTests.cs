using Vifibnet.Cli.Commands;
using Vifibnet.Lab;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Cli;

/// <summary>`vifibnet demo`'s command line and what it prints (the mesh itself runs in tests/Mesh and in scripts/demo.sh).</summary>
public sealed class DemoCommandTests
{
    [Theory]
    [InlineData("--nodes", "2")]
    [InlineData("--nodes", "61")]
    [InlineData("--hello", "0")]
    [InlineData("--bogus")]
    [InlineData("--underlay", "ipv5")]
    [InlineData("--underlay")]
    public async Task BadUsageIsRefusedBeforeAnythingIsBuilt(params string[] args)
    {
        var result = await CliRun.RunAsync(["demo", .. args]);
        Assert.Equal(2, result.Code);
        Assert.StartsWith("vifibnet demo: ", result.Error);
        Assert.Empty(NetworkLab.Existing("vm-d-"));
    }

    [Fact]
    public async Task HelpNamesEveryOption()
    {
        var result = await CliRun.RunAsync("demo", "--help");
        Assert.Equal(0, result.Code);
        foreach (var option in new[] { "--nodes", "--hello", "--keep", "--underlay ipv4|ipv6|mixed" }) Assert.Contains(option, result.Out);
    }

    [Fact]
    public void TheViewPrintsAStatusLineAndTheMatrixAtTheEndOfAPhase()
    {
        var output = new StringWriter();
        var view = new DemoView(output, interactive: false);
        var matrix = new Reachability(3, new HashSet<(int, int)> { (1, 2), (2, 1) });
        MeshNodeStatus[] nodes = [new(1, true, 2, 2, ["a", "b"]), new(2, true, 1, 1, ["a"]), MeshNodeStatus.Stopped(3)];
        view.Show(new DemoEvent(DemoEventKind.PhaseStarted, "stop", "stopping n3"));
        view.Show(new DemoEvent(DemoEventKind.Snapshot, "stop", "", new MeshSnapshot(TimeSpan.FromSeconds(1.5), nodes, matrix, [1, 2])));
        view.Show(new DemoEvent(DemoEventKind.PhaseDone, "stop", "n3 left", null, TimeSpan.FromSeconds(2)));
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("== stop: stopping n3", lines);
        Assert.Contains(lines, l => l.Contains("pairs answering 2/2") && l.StartsWith("[", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("n1", StringComparison.Ordinal) && l.Contains("-  o  x"));
        Assert.Contains(lines, l => l.StartsWith("n3", StringComparison.Ordinal) && l.EndsWith("stopped", StringComparison.Ordinal));
        Assert.Contains("done in 2.0 s: n3 left", lines);
    }
}
