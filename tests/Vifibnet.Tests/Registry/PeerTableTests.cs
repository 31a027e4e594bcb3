using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

public class PeerTableTests : IDisposable
{
    readonly TempDir dir = new();
    readonly RegistryDb db;
    readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    public PeerTableTests() => db = new RegistryDb(dir.File("registry.db"));

    void Declare(int count, DateTimeOffset when) => db.Write((c, t) =>
    {
        for (var i = 0; i < count; i++)
            PeerTable.Declare(c, t, Convert.ToString(i, 2).PadLeft(16, '0'), $"198.51.100.{i % 250 + 1},1194,udp", when);
    });

    [Fact]
    public void PicksDistinctRandomPeersOtherThanTheCaller()
    {
        Declare(50, now);
        var self = Convert.ToString(3, 2).PadLeft(16, '0');
        var seen = new HashSet<string>();
        for (var round = 0; round < 20; round++)
        {
            var picked = db.Read(c => PeerTable.PickRandom(c, 10, self, now.AddDays(-1)));
            Assert.Equal(10, picked.Count);
            Assert.Equal(10, picked.Select(p => p.Prefix).Distinct().Count());
            Assert.DoesNotContain(self, picked.Select(p => p.Prefix));
            seen.UnionWith(picked.Select(p => p.Prefix));
        }
        Assert.True(seen.Count > 30, $"20 picks of 10 out of 49 peers covered only {seen.Count}: not random");
    }

    [Fact]
    public void EachPeerIsDrawnOnItsOwnNotAsARunOfNeighbours()
    {
        Declare(2000, now);
        var order = db.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT prefix FROM peer ORDER BY rnd";
            using var reader = command.ExecuteReader();
            var list = new List<string>();
            while (reader.Read()) list.Add(reader.GetString(0));
            return list;
        });
        var rank = order.Select((prefix, i) => (prefix, i)).ToDictionary(x => x.prefix, x => x.i);
        var picked = db.Read(c => PeerTable.PickRandom(c, 20, null, now.AddDays(-1)));
        Assert.Equal(20, picked.Select(p => p.Prefix).Distinct().Count());
        // 20 independent draws out of 2,000 spread over the key order; a window would span 19 ranks.
        var ranks = picked.Select(p => rank[p.Prefix]).Order().ToList();
        var neighbours = ranks.Zip(ranks.Skip(1), (a, b) => b - a).Count(gap => gap == 1);
        Assert.True(neighbours < 5, $"{neighbours} of 19 picked peers are key-order neighbours: a window, not independent draws");
    }

    [Fact]
    public void AskingForMoreThanThereAreGivesAllOnce()
    {
        Declare(5, now);
        var picked = db.Read(c => PeerTable.PickRandom(c, 100, null, now.AddDays(-1)));
        Assert.Equal(5, picked.Select(p => p.Prefix).Distinct().Count());
        Assert.Equal(5, picked.Count);
    }

    [Fact]
    public void PeersNotDeclaredForADayDropOut()
    {
        Declare(3, now.AddDays(-1).AddMinutes(-1));
        db.Write((c, t) => PeerTable.Declare(c, t, "1111111111111111", "203.0.113.9,1194,udp", now));
        var cutoff = now - PeerTable.DefaultTimeout;
        Assert.Equal(["1111111111111111"], db.Read(c => PeerTable.PickRandom(c, 10, null, cutoff)).Select(p => p.Prefix));
        Assert.Equal(3, db.Write((c, t) => PeerTable.Expire(c, t, cutoff)));
        Assert.Equal(1, db.Read(PeerTable.Count));
    }

    [Fact]
    public void RandomPickSeeksTheIndexInsteadOfScanningTheTable()
    {
        var plan = db.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN SELECT prefix, address FROM peer INDEXED BY peer_rnd WHERE rnd >= 5 AND declared >= 0 AND prefix IS NOT 'x' ORDER BY rnd LIMIT 10";
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read()) lines.Add(reader.GetString(3));
            return string.Join("; ", lines);
        });
        Assert.Contains("USING INDEX peer_rnd (rnd>?)", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }

    public void Dispose()
    {
        db.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dir.Dispose();
    }
}
