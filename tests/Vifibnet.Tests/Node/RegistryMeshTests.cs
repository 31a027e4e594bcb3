using System.Diagnostics;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Lab;
using Vifibnet.Peers;
using Vifibnet.Processes;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Node;

/// <summary>
/// Three nodes with empty peer DBs and a registry, each the real CLI in its own namespace: the
/// nodes learn their peers from the registry (bootstrap, then peer lists), node 3 has no --ip and
/// declares the address its peers' servers saw; with the registry gone they keep running.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class RegistryMeshTests(ITestOutputHelper output)
{
    const int Nodes = 3;
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task NodesJoinThroughTheRegistryAndSurviveItsLoss()
    {
        var root = Directory.CreateTempSubdirectory("vd-registry-").FullName;
        try
        {
            var created = NetworkCreator.Create(Path.Combine(root, "registry"), TestNetwork.Prefix, force: false);
            using var ca = CertificateAuthority.Load(created.CaPath, created.KeyPath);
            using var bed = NodeMeshBed.Create(Nodes, output, ca);
            bed.RecordIn(created.DbPath);
            var registryLog = Path.Combine(root, "registry.log");
            try
            {
                var registryNs = bed.AddHost("reg", "198.51.100.100/24");
                var registry = bed.Lab.Start(registryNs, "registry", CliProgram.File,
                    [.. CliProgram.Leading, "registry", "8000", "--db", created.DbPath, "--ca", created.CaPath, "--key", created.KeyPath,
                     "--bootstrap", TestNetwork.PrefixOf(1), "198.51.100.1", "1194", "udp", "-v", "2"],
                    registryLog);
                var started = Stopwatch.StartNew();
                string[] options = ["-v", "3", "--hello", "4", "--pp", "1194", "udp", "--registry", "http://198.51.100.100:8000", "--peers-db-refresh", "5", "--connection-count", "4"];
                for (var n = 1; n <= Nodes; n++)
                    if (n == 3) bed.StartWithoutIp(n, options);
                    else bed.Start(n, options);

                await bed.WaitForAllPairsAsync(Nodes, started, Timeout);
                output.WriteLine($"all pairs answer after {started.Elapsed.TotalSeconds:0.0} s");

                // Node 3 had no --ip: it declared the address the servers it connected to saw.
                await MeshProbe.Until(() => Task.FromResult(Config(bed.Dir(3), "declared") == "198.51.100.3,1194,udp"), Timeout,
                    () => $"node 3 to declare 198.51.100.3,1194,udp (declared: {Config(bed.Dir(3), "declared")})");
                // Every node learned both others from the registry.
                for (var n = 1; n <= Nodes; n++)
                {
                    var me = n;
                    await MeshProbe.Until(() => Task.FromResult(Peers(bed.Dir(me)).Count == Nodes - 1), Timeout, $"node {me} to know {Nodes - 1} peers");
                }

                // `vifibnet peers update` asks the running node, which declares and refreshes now.
                var update = bed.Lab.TryExec(bed.Namespace(3), CliProgram.File, [.. CliProgram.Leading, "peers", "update", "-s", bed.Dir(3)]);
                Assert.True(update.ExitCode == 0, update.Output);
                Assert.Contains("declared: 198.51.100.3,1194,udp", update.Output);

                // The registry goes away: updates fail with a clear error, the nodes keep running and routing.
                registry.Signal(ChildProcess.SIGTERM);
                await registry.Exited;
                var failed = bed.Lab.TryExec(bed.Namespace(2), CliProgram.File, [.. CliProgram.Leading, "peers", "update", "-s", bed.Dir(2)]);
                Assert.Equal(1, failed.ExitCode);
                Assert.Contains("198.51.100.100", failed.Output);
                // At their next --peers-db-refresh the daemons try, fail, say so and go on.
                for (var n = 1; n <= Nodes; n++)
                {
                    var log = Path.Combine(bed.Dir(n), "vifibnet.log");
                    await MeshProbe.Until(() => Task.FromResult(File.ReadAllText(log).Contains("retrying in 30 s")), TimeSpan.FromSeconds(20),
                        $"node {n} to log a failed peer refresh ('retrying in 30 s') without its registry");
                }
                for (var n = 1; n <= Nodes; n++) Assert.False(bed.Daemon(n).HasExited);
                await bed.WaitForAllPairsAsync(Nodes, Stopwatch.StartNew(), TimeSpan.FromSeconds(20));

                for (var n = 1; n <= Nodes; n++) await bed.StopAsync(n);
            }
            finally
            {
                if (File.Exists(registryLog)) output.WriteLine($"--- registry log\n{string.Join('\n', File.ReadAllLines(registryLog).TakeLast(20))}");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    static string? Config(string dir, string name)
    {
        using var db = PeerDb.Open(Path.Combine(dir, "peers.db"));
        return db.GetConfig(name);
    }

    static IReadOnlyList<PeerRecord> Peers(string dir)
    {
        using var db = PeerDb.Open(Path.Combine(dir, "peers.db"));
        return db.All();
    }
}
