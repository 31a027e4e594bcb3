using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Peers;

public sealed class PeerDbTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("vifibnet-peerdb-").FullName;
    string DbPath => Path.Combine(dir, "peers.db");

    static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NewPeersAreUnusedAndReturnedAsCandidates()
    {
        using var db = PeerDb.Open(DbPath);
        Assert.Equal(2, db.AddOrUpdate([new Peer("0001", "198.51.100.1,1194,udp"), new Peer("0010", "198.51.100.2,1194,udp")]));
        Assert.Equal(2, db.Count);
        Assert.Equal(["0001", "0010"], db.Unused().Select(p => p.Prefix));
        Assert.Equal(PeerState.Unused, db.Find("0001")!.State);
    }

    [Fact]
    public void UsedPeerIsNoCandidateUntilMarkedUnused()
    {
        using var db = PeerDb.Open(DbPath);
        db.AddOrUpdate(new Peer("0001", "198.51.100.1,1194,udp"));
        db.MarkUsed("0001");
        Assert.Equal(PeerState.Used, db.Find("0001")!.State);
        Assert.Empty(db.Unused());
        db.MarkUnused("0001");
        Assert.Equal(PeerState.Unused, db.Find("0001")!.State);
        Assert.Single(db.Unused());
    }

    [Fact]
    public void UpdateKeepsUsedAndChangesAddress()
    {
        using var db = PeerDb.Open(DbPath);
        db.AddOrUpdate(new Peer("0001", "198.51.100.1,1194,udp"));
        db.MarkUsed("0001");
        Assert.Equal(0, db.AddOrUpdate([new Peer("0001", "203.0.113.9,1195,tcp-client")]));
        var peer = db.Find("0001")!;
        Assert.Equal(PeerState.Used, peer.State);
        Assert.Equal("203.0.113.9,1195,tcp-client", peer.Address);
    }

    [Fact]
    public void FlaggedPeerComesBackWhenTheFlagExpires()
    {
        var clock = new ManualClock(Start);
        using var db = PeerDb.Open(DbPath, clock: clock);
        db.AddOrUpdate(new Peer("0001", "198.51.100.1,1194,udp"));
        db.MarkUsed("0001");
        db.Flag("0001", TimeSpan.FromMinutes(5));
        Assert.Equal(PeerState.Flagged, db.Find("0001")!.State);
        Assert.Empty(db.Unused());
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(db.Unused());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(PeerState.Unused, db.Find("0001")!.State);
        Assert.Single(db.Unused());
    }

    [Fact]
    public void BlacklistedPeerIsNeverACandidate()
    {
        using var db = PeerDb.Open(DbPath);
        db.AddOrUpdate(new Peer("0001", "198.51.100.1,1194,udp"));
        db.MarkUsed("0001");
        db.Blacklist("0001");
        Assert.Equal(PeerState.Blacklisted, db.Find("0001")!.State);
        Assert.Empty(db.Unused());
        db.Unblacklist("0001");
        Assert.Equal(PeerState.Unused, db.Find("0001")!.State);
    }

    [Fact]
    public void StateAndConfigSurviveReopening()
    {
        using (var db = PeerDb.Create(DbPath))
        {
            db.AddBootstrap(new Peer("0001", "198.51.100.1,1194,udp"));
            db.MarkUsed("0001");
            db.SetConfig("ip", "198.51.100.7");
        }
        using var again = PeerDb.Open(DbPath);
        Assert.Equal(PeerState.Used, again.Find("0001")!.State);
        Assert.Equal("198.51.100.7", again.GetConfig("ip"));
        Assert.Null(again.GetConfig("nothing"));
        again.ResetUsed();
        Assert.Equal(PeerState.Unused, again.Find("0001")!.State);
    }

    [Fact]
    public void CorruptFileIsMovedAsideAndRecreatedWithAWarning()
    {
        var garbage = "this is not a database, just text that used to be peers.db\n" + new string('x', 5000);
        File.WriteAllText(DbPath, garbage);
        var warnings = new List<LogRecord>();
        using var db = PeerDb.Open(DbPath, new Logger(LogLevel.Trace, warnings.Add));
        Assert.Equal(0, db.Count);
        db.AddOrUpdate(new Peer("0001", "198.51.100.1,1194,udp"));
        Assert.Equal(garbage, File.ReadAllText(DbPath + ".bak"));
        var warning = Assert.Single(warnings, w => w.Level == LogLevel.Warning);
        Assert.Contains(DbPath, warning.Message);
        Assert.Contains(".bak", warning.Message);
    }

    [Fact]
    public void UnwritableDirectoryNamesTheFile()
    {
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "");
        var e = Assert.Throws<PeerDbException>(() => PeerDb.Open(Path.Combine(blocker, "peers.db")));
        Assert.Contains(blocker, e.Message);
    }

    static string Prefix(int n) => new Vifibnet.Addressing.NodePrefix(n, 16).ToBinary();

    static Peer Peer(int n) => new(Prefix(n), $"198.51.100.{n % 250 + 1},1194,udp");

    int FlagRows()
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath};Pooling=false");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT COUNT(*) FROM flagged";
        return Convert.ToInt32(q.ExecuteScalar());
    }

    [Fact]
    public void PeerListsBeyondTheCapDropTheLeastRecentlySeenUnusedPeers()
    {
        var clock = new ManualClock(Start);
        using var db = PeerDb.Open(DbPath, clock: clock);
        db.AddOrUpdate(Enumerable.Range(1, PeerDb.MaxPeers).Select(Peer));
        db.MarkUsed(Prefix(1));
        db.Flag(Prefix(2), TimeSpan.FromMinutes(5));
        db.Blacklist(Prefix(3));
        clock.Advance(TimeSpan.FromHours(1));
        db.AddOrUpdate(Peer(4)); // listed again: seen now

        Assert.Equal(100, db.AddOrUpdate(Enumerable.Range(PeerDb.MaxPeers + 1, 100).Select(Peer)));

        Assert.Equal(PeerDb.MaxPeers, db.Count);
        Assert.Equal(PeerState.Used, db.Find(Prefix(1))!.State);
        Assert.NotNull(db.Find(Prefix(4)));
        Assert.Null(db.Find(Prefix(2)));
        Assert.Null(db.Find(Prefix(5)));
        Assert.NotNull(db.Find(Prefix(103)));
        Assert.Equal(0, FlagRows()); // peer 2's flag expired and went with it
        Assert.NotNull(db.Find(Prefix(PeerDb.MaxPeers + 100)));
        // The blacklist outlives the peer row: listed again, it is still never a candidate.
        db.AddOrUpdate(Peer(3));
        Assert.Equal(PeerState.Blacklisted, db.Find(Prefix(3))!.State);
    }

    [Fact]
    public void TrimNeverDropsUsedPeersNorTheOnlyPeer()
    {
        var clock = new ManualClock(Start);
        using var db = PeerDb.Open(DbPath, clock: clock);
        db.AddBootstrap(Peer(9));
        Assert.Equal(0, db.Trim(1));
        Assert.NotNull(db.Find(Prefix(9)));

        foreach (var n in new[] { 1, 2, 3 })
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            db.AddOrUpdate(Peer(n));
            db.MarkUsed(Prefix(n));
        }
        db.Flag(Prefix(9), TimeSpan.FromMinutes(30));
        Assert.Equal(1, db.Trim(2)); // the three used peers stay even over the cap; the unused one goes
        Assert.Equal([Prefix(1), Prefix(2), Prefix(3)], db.All().Select(p => p.Prefix));
        Assert.Equal(0, FlagRows());
        Assert.Throws<ArgumentOutOfRangeException>(() => db.Trim(0));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
