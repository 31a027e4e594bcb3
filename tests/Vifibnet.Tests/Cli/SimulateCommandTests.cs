using System.Text.Json;
using Vifibnet.Cli;

namespace Vifibnet.Tests.Cli;

public class SimulateCommandTests
{
    static async Task<(int Code, string Out, string Error)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task JsonHasTheParametersAndEveryRoundWithConnectivity()
    {
        var (code, output, error) = await Run("simulate", "--nodes", "120", "--connection-count", "6", "--refresh-rounds", "2",
            "--fail", "0.25", "--seed", "7", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var p = doc.RootElement.GetProperty("parameters");
        Assert.Equal(120, p.GetProperty("nodes").GetInt32());
        Assert.Equal(6, p.GetProperty("connectionCount").GetInt32());
        Assert.Equal(3, p.GetProperty("clientTunnels").GetInt32());
        Assert.Equal(0.25, p.GetProperty("fail").GetDouble());
        Assert.Equal(7, p.GetProperty("seed").GetInt32());
        var rounds = doc.RootElement.GetProperty("rounds").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], rounds.Select(r => r.GetProperty("round").GetInt32()));
        foreach (var r in rounds)
        {
            Assert.InRange(r.GetProperty("averageHops").GetDouble(), 1.5, 6);
            Assert.InRange(r.GetProperty("maxHops").GetInt32(), 2, 10);
            Assert.Equal(6.0, r.GetProperty("degree").GetProperty("mean").GetDouble(), 9);
            Assert.True(r.GetProperty("degree").GetProperty("min").GetInt32() >= 3);
            Assert.InRange(r.GetProperty("connectedPairsRatio").GetDouble(), 0.5, 1);
            Assert.InRange(r.GetProperty("largestComponent").GetInt32(), 45, 90);
        }
        Assert.Equal(90, doc.RootElement.GetProperty("afterRepair").GetProperty("survivors").GetInt32());
        Assert.Contains("refresh round 2", error);
    }

    [Fact]
    public async Task WithoutFailThereIsNoConnectivityField()
    {
        var (code, output, _) = await Run("simulate", "--nodes", "30", "--connection-count", "4", "--refresh-rounds", "1", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("rounds")[0].TryGetProperty("connectedPairsRatio", out _));
        Assert.False(doc.RootElement.TryGetProperty("afterRepair", out _));
    }

    [Fact]
    public async Task TheSameSeedPrintsTheSameDocument()
    {
        string[] args = ["simulate", "--nodes", "200", "--connection-count", "8", "--refresh-rounds", "2", "--fail", "0.5", "--json"];
        Assert.Equal((await Run(args)).Out, (await Run(args)).Out);
    }

    [Fact]
    public async Task TheTableShowsEveryRound()
    {
        var (code, output, _) = await Run("simulate", "--nodes", "50", "--connection-count", "4", "--refresh-rounds", "3", "--fail", "0.1");
        Assert.Equal(0, code);
        Assert.Contains("hops: exact", output);
        Assert.Equal(4, output.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s+\d+\.\d{3}\s")));
        Assert.Contains("repair passes", output);
    }

    [Theory]
    [InlineData("--connection-count 4", "--nodes N is required")]
    [InlineData("--nodes 10 --fail 1.5", "fail ratio must be within 0..1")]
    [InlineData("--nodes ten", "--nodes: 'ten' is not an integer")]
    [InlineData("--nodes 10 --frobnicate", "unknown option '--frobnicate'")]
    [InlineData("--nodes", "--nodes needs a value")]
    [InlineData("--nodes 10 --peer-list-pick ring", "neither 'uniform' nor 'window'")]
    public async Task BadUsageExitsWithTwoAndSaysWhatWasWrong(string args, string message)
    {
        var (code, output, error) = await Run(["simulate", .. args.Split(' ')]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(message, error);
    }
}
