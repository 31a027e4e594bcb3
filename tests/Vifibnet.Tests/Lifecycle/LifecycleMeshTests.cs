using System.Diagnostics;
using Vifibnet.Certificates;
using Vifibnet.Lab;
using Vifibnet.Processes;
using Vifibnet.Registry;
using Vifibnet.Tests.Node;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Lifecycle;

/// <summary>
/// Renewal and revocation on a real mesh: nodes (the real CLI, openvpn, babeld) in namespaces on one
/// bridge with a registry (198.51.100.100), documentation addresses only.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class LifecycleMeshTests(ITestOutputHelper output)
{
    static readonly TimeSpan Join = TimeSpan.FromSeconds(90);

    sealed record Network(string Root, NewNetwork Created, CertificateAuthority Ca) : IDisposable
    {
        public void Dispose()
        {
            Ca.Dispose();
            Directory.Delete(Root, recursive: true);
        }
    }

    static Network MakeNetwork()
    {
        var root = Directory.CreateTempSubdirectory("vd-lifecycle-").FullName;
        var created = NetworkCreator.Create(Path.Combine(root, "registry"), TestNetwork.Prefix, force: false);
        return new Network(root, created, CertificateAuthority.Load(created.CaPath, created.KeyPath));
    }

    static ChildProcess StartRegistry(NodeMeshBed bed, Network net, params string[] extra) =>
        StartRegistryIn(bed.AddHost("reg", "198.51.100.100/24"), bed, net, extra);

    static ChildProcess StartRegistryIn(string ns, NodeMeshBed bed, Network net, params string[] extra)
    {
        return bed.Lab.Start(ns, "registry", CliProgram.File,
            [.. CliProgram.Leading, "registry", "8000", "--db", net.Created.DbPath, "--ca", net.Created.CaPath, "--key", net.Created.KeyPath, "-v", "2", .. extra],
            Path.Combine(net.Root, "registry.log"));
    }

    static string[] NodeOptions(int peersDbRefresh) =>
        ["-v", "3", "--hello", "4", "--pp", "1194", "udp", "--registry", "http://198.51.100.100:8000", "--peers-db-refresh", peersDbRefresh.ToString(), "--connection-count", "4"];

    static int CountInLog(NodeMeshBed bed, int n, string text) =>
        File.ReadAllLines(Path.Combine(bed.Dir(n), "vifibnet.log")).Count(l => l.Contains(text));

    [Fact]
    public async Task EveryNodeRenewsTwiceWhileAllPairsKeepAnswering()
    {
        const int nodes = 3;
        using var net = MakeNetwork();
        // Certificates of one minute: renewed about 40 s into their life, by the registry for one minute more.
        using var bed = NodeMeshBed.Create(nodes, output, net.Ca, TimeSpan.FromSeconds(60));
        // Nodes registered at different times renew at different times: first certificates of 60, 75 and 90 s.
        for (var n = 1; n <= nodes; n++)
        {
            using var key = PemFile.ReadPrivateKey(Path.Combine(bed.Dir(n), "cert.key"), "node key");
            var csr = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=node", key,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var staggered = net.Ca.Issue(csr, new Vifibnet.Addressing.NodePrefix(n, 16), [0x10, (byte)n], TimeSpan.FromSeconds(45 + 15 * n));
            PemFile.WriteCertificate(Path.Combine(bed.Dir(n), "cert.crt"), staggered);
        }
        bed.RecordIn(net.Created.DbPath);
        var registryNamespace = bed.AddHost("reg", "198.51.100.100/24");
        var registry = StartRegistryIn(registryNamespace, bed, net, "--certificate-lifetime", "60");
        var started = Stopwatch.StartNew();
        for (var n = 1; n <= nodes; n++) bed.Start(n, NodeOptions(5));
        await bed.WaitForAllPairsAsync(nodes, started, Join);
        output.WriteLine($"all pairs answer after {started.Elapsed.TotalSeconds:0.0} s");

        // Every pair pinged five times a second until every node has renewed twice; the longest silence of any pair.
        var hosts = TestNetwork.Hosts(Enumerable.Range(0, nodes + 1).Select(n => n == 0 ? "" : bed.Namespace(n)).ToArray(), nodes);
        using var silence = PairSilence.Start(bed.Lab, hosts);
        var watch = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(110);
        while (Enumerable.Range(1, nodes).Any(n => CountInLog(bed, n, "certificate renewed") < 2))
        {
            Assert.True(watch.Elapsed < deadline, $"not every node renewed twice within {deadline.TotalSeconds:0} s: " +
                string.Join(", ", Enumerable.Range(1, nodes).Select(n => $"node {n}: {CountInLog(bed, n, "certificate renewed")}")));
            await Task.Delay(500);
        }
        var (worstFrom, worstTo, worstSilence, began) = silence.Worst();
        silence.Dispose();
        output.WriteLine($"two renewals of every node after {watch.Elapsed.TotalSeconds:0.0} s; longest silence of a pair: {worstSilence.TotalSeconds:0.0} s (node {worstFrom + 1} -> node {worstTo + 1}, from {began:HH:mm:ss.f} UTC)");
        // What the nodes did meanwhile, so a long silence can be explained from the test output alone.
        for (var n = 1; n <= nodes; n++)
            foreach (var line in NodeLogs.Between(Path.Combine(bed.Dir(n), "vifibnet.log"), began.AddSeconds(-5), began + worstSilence + TimeSpan.FromSeconds(1)))
                output.WriteLine($"  node {n}: {line}");
        for (var n = 1; n <= nodes; n++)
        {
            using var cert = PemFile.ReadCertificate(Path.Combine(bed.Dir(n), "cert.crt"), "certificate");
            Assert.Equal(new Vifibnet.Addressing.NodePrefix(n, 16).ToCommonName(), cert.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
            Assert.True(cert.NotAfter.ToUniversalTime() > DateTime.UtcNow, $"node {n}'s certificate is current");
            Assert.True(CountInLog(bed, n, "restarted tunnel to") + CountInLog(bed, n, "openvpn server on vifib-s0 restarted") >= 1, $"node {n} restarted its tunnels on the renewed certificate");
            // A reloaded server's clients reconnect to it: the node must not open a second tunnel to each of them
            // meanwhile (and close it again: "one tunnel per pair"), which dropped routes at every renewal.
            var lines = File.ReadAllLines(Path.Combine(bed.Dir(n), "vifibnet.log"));
            var firstRenewal = Array.FindIndex(lines, l => l.Contains("certificate renewed"));
            Assert.DoesNotContain(lines.Skip(firstRenewal), l => l.Contains("the peer also connected to our server"));
        }
        // The issue's goal: a few seconds of silence per renewal. Measured (every pair pinged 5 times a second):
        // 7.4-26.8 s while a reconnecting tunnel's routes were bridged through a neighbour that routed back through
        // us; 3.5-3.6 s since (n=4, docs/lifecycle.md). The bound leaves room for a loaded machine.
        Assert.True(worstSilence < TimeSpan.FromSeconds(12), $"node {worstFrom + 1} -> node {worstTo + 1} was silent for {worstSilence.TotalSeconds:0.0} s");
        // With one-minute certificates every node renews and rolls its tunnels about every 40 s, so the mesh is never
        // at rest. Certificates of an hour from now on: each node's next renewal brings one, after which its rolling
        // restart is its last, and the mesh must be whole again.
        await registry.StopAsync(TimeSpan.FromSeconds(5));
        registry.Dispose();
        registry = StartRegistryIn(registryNamespace, bed, net, "--certificate-lifetime", "3600");
        var calm = Stopwatch.StartNew();
        var renewalsSoFar = Enumerable.Range(1, nodes).Select(n => CountInLog(bed, n, "certificate renewed")).ToArray();
        bool Settled(int n)
        {
            var lines = File.ReadAllLines(Path.Combine(bed.Dir(n), "vifibnet.log"));
            var lastRenewal = Array.FindLastIndex(lines, l => l.Contains("certificate renewed"));
            var lastRollDone = Array.FindLastIndex(lines, l => l.Contains("every tunnel and server now runs on the current certificate"));
            return CountInLog(bed, n, "certificate renewed") > renewalsSoFar[n - 1] && lastRollDone > lastRenewal;
        }
        while (!Enumerable.Range(1, nodes).All(Settled))
        {
            Assert.True(calm.Elapsed < TimeSpan.FromSeconds(120), "not every node renewed onto a one-hour certificate and finished its rolling restart within 120 s");
            await Task.Delay(1000);
        }
        output.WriteLine($"every node on a one-hour certificate after {calm.Elapsed.TotalSeconds:0.0} s");
        await bed.WaitForAllPairsAsync(nodes, Stopwatch.StartNew(), TimeSpan.FromSeconds(60));
        var status = bed.Lab.TryExec(bed.Namespace(1), CliProgram.File, [.. CliProgram.Leading, "status", "-s", bed.Dir(1)]);
        Assert.Contains("next renewal 20", status.Output);
        Assert.Contains("cert expires 20", status.Output);
        // `vifibnet renew` asks the running node, which renews now and restarts its tunnels one at a time.
        var renewedBefore = CountInLog(bed, 2, "certificate renewed");
        var renew = bed.Lab.TryExec(bed.Namespace(2), CliProgram.File, [.. CliProgram.Leading, "renew", "-s", bed.Dir(2)]);
        Assert.True(renew.ExitCode == 0, renew.Output);
        Assert.Contains("next renewal", renew.Output);
        Assert.True(CountInLog(bed, 2, "certificate renewed") > renewedBefore);
        for (var n = 1; n <= nodes; n++) await bed.StopAsync(n);
    }

    [Fact]
    public async Task ARevokedNodeIsDroppedWithinOnePollAndTheRestStayConnected()
    {
        const int nodes = 4, poll = 5;
        using var net = MakeNetwork();
        using var bed = NodeMeshBed.Create(nodes, output, net.Ca);
        bed.RecordIn(net.Created.DbPath);
        StartRegistry(bed, net);
        var started = Stopwatch.StartNew();
        for (var n = 1; n <= nodes; n++) bed.Start(n, NodeOptions(poll));
        await bed.WaitForAllPairsAsync(nodes, started, Join);
        output.WriteLine($"all pairs answer after {started.Elapsed.TotalSeconds:0.0} s");
        var revoked = TestNetwork.PrefixOf(4);
        async Task<int> TunnelsToRevoked()
        {
            var count = 0;
            for (var n = 1; n < nodes; n++) count += (await bed.TunnelsAsync(n)).Count(t => t.Peer == revoked);
            return count;
        }
        await MeshProbe.Until(async () => await TunnelsToRevoked() > 0, Join, "a tunnel between node 4 and another node");

        var revoke = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, "revoke", "--db", net.Created.DbPath, new Vifibnet.Addressing.NodePrefix(4, 16).ToCommonName()]);
        Assert.True(revoke.Code == 0, revoke.Output);
        var sinceRevoke = Stopwatch.StartNew();
        // Within one poll interval (plus one pass of the daemon's loop): no node has a tunnel to node 4 any more.
        await MeshProbe.Until(async () => await TunnelsToRevoked() == 0, TimeSpan.FromSeconds(poll + 2 * 2 + 3), "every node to drop its tunnels to revoked node 4");
        output.WriteLine($"tunnels to the revoked node dropped {sinceRevoke.Elapsed.TotalSeconds:0.0} s after the revocation (poll {poll} s)");

        // The rest stay all-pairs reachable, and node 4 gets back in no more: openvpn refuses it with the CRL.
        await bed.WaitForAllPairsAsync(nodes - 1, Stopwatch.StartNew(), TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await TunnelsToRevoked());
        Assert.NotEqual(0, bed.Lab.TryExec(bed.Namespace(1), "ping", "-6", "-c", "1", "-W", "1", TestNetwork.AddressOf(4).ToString()).ExitCode);
        var refusals = Enumerable.Range(1, nodes - 1).Sum(n => File.ReadAllLines(Path.Combine(bed.Dir(n), "vifibnet-openvpn-vifib-s0.log")).Count(l => l.Contains("certificate revoked")));
        output.WriteLine($"handshakes of node 4 refused by openvpn's CRL check on the others' servers: {refusals}");

        // Node 4 cannot renew (nor re-register) with its old key: the registry refuses it by name.
        var renew = bed.Lab.TryExec(bed.Namespace(4), CliProgram.File, [.. CliProgram.Leading, "renew", "-s", bed.Dir(4)]);
        Assert.Equal(1, renew.ExitCode);
        Assert.Contains("certificate_revoked", renew.Output);

        // The CRL every node keeps for openvpn is the one the CA signed: the real openssl says so.
        var check = CliRun.Tool("openssl", "crl", "-CAfile", net.Created.CaPath, "-in", Path.Combine(bed.Dir(1), "crl.pem"), "-noout", "-text");
        Assert.True(check.Code == 0 && check.Output.Contains("verify OK"), check.Output);
        Assert.Contains("Serial Number: 03EC", check.Output); // node 4's certificate (serial 1004)
        for (var n = 1; n <= nodes; n++) await bed.StopAsync(n);
    }
}
