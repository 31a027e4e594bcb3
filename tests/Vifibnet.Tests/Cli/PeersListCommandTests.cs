using System.Text.Json;
using Vifibnet.Peers;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Cli;

/// <summary>`vifibnet peers list` (the real program on a stopped node's peers.db) and the node's peer-exchange and IPv6 options at the CLI.</summary>
public sealed class PeersListCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("vifibnet-peerslist-").FullName;

    [Fact]
    public async Task PeersListShowsEachPeersSourceAndVia()
    {
        using (var db = PeerDb.Open(Path.Combine(dir, "peers.db")))
        {
            db.AddOrUpdate(new Peer("0000000000000010", "198.51.100.12,1194,udp"));
            db.AddDeclarations([new PeerDeclarationRecord("0000000000000011", "2001:db8::13,1194,udp", DateTimeOffset.UtcNow, "cert", "sig", "0000000000000010")]);
        }
        using (var table = new CliRun.Process(["peers", "list", "-s", dir]))
        {
            Assert.Equal(0, await table.Child.Exited);
            table.WaitFor(@"^PEER\s+STATE\s+SOURCE\s+VIA", TimeSpan.FromSeconds(30));
            table.WaitFor(@"^0000000000000010\s+unused\s+registry\s+-\s+.*198\.51\.100\.12,1194,udp$", TimeSpan.FromSeconds(1));
            table.WaitFor(@"^0000000000000011\s+unused\s+exchange\s+0000000000000010\s+.*2001:db8::13,1194,udp$", TimeSpan.FromSeconds(1));
        }
        using var json = new CliRun.Process(["peers", "list", "-s", dir, "--json"]);
        Assert.Equal(0, await json.Child.Exited);
        json.WaitFor(@"\]\s*$", TimeSpan.FromSeconds(5));
        var peers = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(2, peers.GetArrayLength());
        Assert.Equal("exchange", peers[1].GetProperty("source").GetString());
        Assert.Equal("0000000000000010", peers[1].GetProperty("via").GetString());
    }

    [Fact]
    public async Task PeersListWithoutPeerDbAndBadArgumentsSaySo()
    {
        var r = await CliRun.RunAsync("peers", "list", "-s", dir);
        Assert.Equal(1, r.Code);
        Assert.Contains("no peer DB", r.Error);
        Assert.Equal(2, (await CliRun.RunAsync("peers", "list", "--bogus")).Code);
        Assert.Equal(2, (await CliRun.RunAsync("peers", "frob")).Code);
    }

    [Fact]
    public async Task NodeOptionsForPeerExchangeAndIPv6AreCheckedAndListed()
    {
        var help = await CliRun.RunAsync("node", "--help");
        Assert.Contains("--peer-exchange", help.Out);
        Assert.Contains("udp6", help.Out);
        var r = await CliRun.RunAsync("node", "--peer-exchange", "-5");
        Assert.Equal(2, r.Code);
        Assert.Contains("--peer-exchange", r.Error);
        r = await CliRun.RunAsync("node", "--ip", "2001:db8::7", "1194", "udp", "-s", dir);
        Assert.Equal(2, r.Code);
        Assert.Contains("add --pp 1194 udp6", r.Error);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
