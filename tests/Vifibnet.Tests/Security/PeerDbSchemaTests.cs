using Microsoft.Data.Sqlite;
using Vifibnet.Lab;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 11 of issue 11: a peers.db whose tables have other columns (another program's, another
/// version's) made the daemon fail every 2 s forever. The real node now moves it aside like a corrupt
/// one, keeps it as peers.db.bak, and runs.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class PeerDbSchemaTests(ITestOutputHelper output)
{
    [Fact]
    public async Task APeerDbWithAnotherSchemaIsMovedAsideAndTheNodeRuns()
    {
        using var bed = NodeMeshBed.Create(1, output);
        var db = Path.Combine(bed.Dir(1), "peers.db");
        using (var foreign = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            foreign.Open();
            using var create = foreign.CreateCommand();
            create.CommandText = "CREATE TABLE peers (id INTEGER PRIMARY KEY, host TEXT); INSERT INTO peers (host) VALUES ('keep me')";
            create.ExecuteNonQuery();
        }
        bed.Start(1, "--hello", "4");
        var log = Path.Combine(bed.Dir(1), "vifibnet.log");
        await MeshProbe.Until(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("another schema: table peers has no column prefix")),
            TimeSpan.FromSeconds(30), "the node to move the foreign peers.db aside");
        await MeshProbe.Until(async () =>
        {
            try { return await bed.TunnelsAsync(1) is not null; }
            catch (MeshLabException) { return false; }
        }, TimeSpan.FromSeconds(30), "the node to answer on its control socket");
        Assert.False(bed.Daemon(1).HasExited);
        Assert.DoesNotContain("tunnel pass failed", File.ReadAllText(log));
        using var kept = new SqliteConnection($"Data Source={db}.bak;Mode=ReadOnly;Pooling=False");
        kept.Open();
        using var read = kept.CreateCommand();
        read.CommandText = "SELECT host FROM peers";
        Assert.Equal("keep me", read.ExecuteScalar());
        await bed.StopAsync(1);
    }
}
