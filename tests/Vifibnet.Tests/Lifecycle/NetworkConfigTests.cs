using System.Net;
using System.Text.Json;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Routing;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Lifecycle;

/// <summary>
/// The network configuration signed by the CA (docs/lifecycle.md), without namespaces: the registry serves it over
/// real HTTP only to members, sealed to their key; a node takes only what the network's CA signed, never an older
/// version, keeps the last good one on disk; command-line values stay local overrides; the admin command as a real process.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NetworkConfigTests
{
    /// <summary>The real `vifibnet` program as a child process (stdout and stderr together in both fields).</summary>
    static Task<CliRun.Result> RunCli(params string[] args)
    {
        var (code, output) = CliRun.Tool(CliProgram.File, [.. CliProgram.Leading, .. args]);
        return Task.FromResult(new CliRun.Result(code, output, output));
    }

    static NetworkConfigMessage Message(SignedNetworkConfiguration s) => new(s.Body, s.Signature);

    [Fact]
    public async Task TheRegistryServesTheCaSignedConfigurationToMembersOnlySealedToTheirKey()
    {
        await using var registry = await TestRegistry.StartAsync();
        var set = AdminNetworkConfig.Set(registry.Db.Path, new NetworkConfigChange { Hello = 6, RefreshRate = 0.1, RotateBabelKey = true, KeyOverlap = TimeSpan.FromMinutes(10) });
        Assert.Equal(1, set.Version);
        using var keys = new NodeKeys();
        using var cert = await registry.RegisterAsync(keys);
        using var client = registry.Client(cert: cert, keys: keys);

        var message = await client.GetNetworkConfigAsync();
        var config = new SignedNetworkConfiguration(message.Body, message.Signature).Verify(registry.Ca.Certificate);
        Assert.Equal(6, config.Hello);
        Assert.Equal(0.1, config.RefreshRate);
        Assert.Null(config.ConnectionCount);
        var key = Assert.Single(config.BabelKeys);
        Assert.Equal(64, key.Value.Length);
        Assert.True(key.ActiveFrom > DateTimeOffset.UtcNow.AddMinutes(9));

        // Anonymous: refused (the answer carries the babel key).
        using var http = new HttpClient();
        using var anonymous = await http.GetAsync(new Uri(registry.Uri(), "/v1/network-config"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        // A member's answer is sealed: the body on the wire does not hold the key.
        using var signed = await http.SendAsync(Vifibnet.Tests.Registry.RegistryHttpTests.Signed(HttpMethod.Get, new Uri(registry.Uri(), "/v1/network-config"), cert, keys.Key, []));
        var wire = await signed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(key.Value, wire, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hello", wire);

        // A revoked node no longer gets it.
        AdminRevocation.Revoke(registry.Db.Path, cert.SerialNumber);
        var refused = await Assert.ThrowsAsync<RegistryCallException>(() => client.GetNetworkConfigAsync());
        Assert.Equal(RegistryErrorCode.CertificateRevoked, refused.Code);
    }

    [Fact]
    public void ANodeTakesOnlyANewerConfigurationSignedByItsCaAndKeepsTheLastGoodOneOnDisk()
    {
        using var network = new TestCertificates();
        using var foreign = CertificateAuthority.Create(TestCertificates.Network);
        using var dir = new TempDir();
        var path = dir.File("network-config.json");
        var log = new List<LogRecord>();
        var node = new NodeNetworkConfig(path, network.Ca.Certificate, new Logger(LogLevel.Debug, r => log.Add(r)));
        var v2 = new NetworkConfiguration { Version = 2, Hello = 6 };

        Assert.True(node.Apply(Message(SignedNetworkConfiguration.Sign(v2, network.Ca.Key))));
        Assert.Equal(6, node.Current!.Hello);
        var kept = File.ReadAllText(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.False(node.Apply(Message(SignedNetworkConfiguration.Sign(v2, network.Ca.Key)))); // the same again: no change

        // Signed by another CA (same network prefix): refused by name, nothing changes.
        var byForeign = Assert.Throws<NetworkConfigurationException>(() =>
            node.Apply(Message(SignedNetworkConfiguration.Sign(v2 with { Version = 3, Hello = 1 }, foreign.Key))));
        Assert.Contains("not signed by the network's CA", byForeign.Message);
        // The CA's signature over another body (hello changed on the way): refused.
        var good = SignedNetworkConfiguration.Sign(v2 with { Version = 3 }, network.Ca.Key);
        var tampered = new NetworkConfigMessage(good.Body.Replace("\"hello\":6", "\"hello\":1"), good.Signature);
        Assert.NotEqual(good.Body, tampered.Body);
        Assert.Throws<NetworkConfigurationException>(() => node.Apply(tampered));
        // No signature, or garbage in it: refused.
        Assert.Throws<NetworkConfigurationException>(() => node.Apply(new NetworkConfigMessage(good.Body, "")));
        Assert.Throws<NetworkConfigurationException>(() => node.Apply(new NetworkConfigMessage(good.Body, "not base64!")));
        // An older version of the right CA (a replay bringing back an old key): refused.
        var older = Assert.Throws<NetworkConfigurationException>(() =>
            node.Apply(Message(SignedNetworkConfiguration.Sign(new NetworkConfiguration { Version = 1, Hello = 9 }, network.Ca.Key))));
        Assert.Contains("older than the one held", older.Message);
        Assert.Equal(6, node.Current!.Hello);
        Assert.Equal(kept, File.ReadAllText(path));
        Assert.NotNull(node.LastRefusal);

        // A restart (the registry down) reads the last good one back.
        var restarted = new NodeNetworkConfig(path, network.Ca.Certificate, Logger.Null);
        restarted.LoadStored();
        Assert.Equal(2, restarted.Current!.Version);
        // A stored file altered on disk is set aside, not used.
        File.WriteAllText(path, JsonSerializer.Serialize(tampered, RegistryJson.Options));
        var broken = new NodeNetworkConfig(path, network.Ca.Certificate, Logger.Null);
        broken.LoadStored();
        Assert.Null(broken.Current);
        Assert.True(File.Exists(path + ".bad"));
    }

    [Fact]
    public void CommandLineValuesStayLocalOverridesAndTheLogSaysWhichWins()
    {
        var network = new NetworkConfiguration { Version = 4, Hello = 6, ConnectionCount = 8, TunnelRefresh = 60, RefreshRate = 0.2 };
        var log = new List<LogRecord>();
        var logger = new Logger(LogLevel.Debug, r => log.Add(r));

        var local = NodeOptionParser.Parse(["--hello", "4", "--connection-count", "20"]);
        var effective = NodeNetworkConfig.Effective(local, network, logger);
        Assert.Equal(4, effective.Hello);                      // given: stays
        Assert.Equal(20, effective.ConnectionCount);           // given (the default value, but given): stays
        Assert.Equal(TimeSpan.FromSeconds(60), effective.TunnelRefresh); // not given: the network's
        Assert.Equal(0.2, effective.RefreshRate);
        Assert.Contains(log, r => r.Message.Contains("--hello 4 from the command line overrides the network configuration's 6"));
        Assert.Contains(log, r => r.Message.Contains("tunnel-refresh 60 from the network configuration (version 4) replaces the default 300"));

        Assert.Equal(6, NodeNetworkConfig.Effective(NodeOptionParser.Parse([]), network, Logger.Null).Hello);
        Assert.Same(local, NodeNetworkConfig.Effective(local, null, Logger.Null));
    }

    [Fact]
    public void ANodeBelowTheMinimumVersionIsToldSo()
    {
        var running = new Version(0, 1, 0);
        Assert.Null(NodeNetworkConfig.BelowMinimum(new NetworkConfiguration { MinimumVersion = "0.1.0" }, running));
        Assert.Null(NodeNetworkConfig.BelowMinimum(new NetworkConfiguration(), running));
        Assert.Contains("below the network's minimum version 0.2", NodeNetworkConfig.BelowMinimum(new NetworkConfiguration { MinimumVersion = "0.2" }, running));
        Assert.Equal(new Version(Vifibnet.Cli.CommandLine.Version), NodeNetworkConfig.RunningVersion);
    }

    [Fact]
    public async Task ANodeBelowTheStoredMinimumVersionRefusesToStartBeforeAnyChildRuns()
    {
        using var network = new Vifibnet.Tests.Node.TestNetwork();
        var dir = network.MakeNode(1);
        var signed = SignedNetworkConfiguration.Sign(new NetworkConfiguration { Version = 5, MinimumVersion = "99.0.0" }, network.Ca.Key);
        File.WriteAllText(Path.Combine(dir, "network-config.json"), JsonSerializer.Serialize(Message(signed), RegistryJson.Options));
        var records = new List<LogRecord>();
        var daemon = new NodeDaemon(new NodeOptions { StateDir = dir, LogDir = dir }, new Logger(LogLevel.Trace, r => { lock (records) records.Add(r); }));
        var e = await Assert.ThrowsAsync<NodeDaemonException>(() => daemon.RunAsync(CancellationToken.None));
        Assert.Equal(NodeErrorKind.VersionTooOld, e.Kind);
        Assert.Contains("below the network's minimum version 99.0.0", e.Message);
        Assert.Equal(NodeState.Failed, daemon.State);
        Assert.False(File.Exists(Path.Combine(dir, "vifibnet.sock")));
        Assert.False(File.Exists(Path.Combine(dir, "run", "babeld.pid")));
    }

    [Fact]
    public void ARotationKeepsTheKeyInUseAndAnnouncesTheNextAnOverlapAhead()
    {
        using var dir = new TempDir();
        using (new RegistryDb(dir.File("registry.db"))) { }
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-05T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var overlap = TimeSpan.FromMinutes(30);
        var first = AdminNetworkConfig.Set(dir.File("registry.db"), new NetworkConfigChange { RotateBabelKey = true, KeyOverlap = overlap }, clock);
        Assert.Null(first.KeyAt(clock.GetUtcNow()));           // announced, not used yet
        clock.Advance(overlap);
        Assert.Equal("vifib1", first.KeyAt(clock.GetUtcNow())!.Name);
        clock.Advance(TimeSpan.FromHours(1));
        var second = AdminNetworkConfig.Set(dir.File("registry.db"), new NetworkConfigChange { RotateBabelKey = true, KeyOverlap = overlap }, clock);
        Assert.Equal(["vifib1", "vifib2"], second.BabelKeys.Select(k => k.Name));
        Assert.Equal("vifib1", second.KeyAt(clock.GetUtcNow())!.Name);  // both known, the old one still in use
        Assert.Equal("vifib2", second.NextKeyAfter(clock.GetUtcNow())!.Name);
        clock.Advance(overlap);
        Assert.Equal("vifib2", second.KeyAt(clock.GetUtcNow())!.Name);
        var third = AdminNetworkConfig.Set(dir.File("registry.db"), new NetworkConfigChange { RotateBabelKey = true, KeyOverlap = overlap }, clock);
        Assert.Equal(["vifib2", "vifib3"], third.BabelKeys.Select(k => k.Name)); // vifib1 is gone
        Assert.Equal(3, third.Version);

        // babeld gets the key on the LAN interfaces only, through a file, never on its command line.
        var auth = new BabelAuthentication("vifib2", third.BabelKeys[0].Value);
        Assert.Equal(["key id vifib2 type hmac-sha256 value " + third.BabelKeys[0].Value, "interface eth0 key vifib2"],
            auth.ConfigLines(["vifib-s0", "vifib-c0", "eth0"]));
        var settings = new BabelSettings(4, false, 0, "p", "s", "sock", "log") { Authentication = auth, KeyConfigFile = "/run/key.conf" };
        var args = BabelArguments.Build(settings, TestCertificates.Network, TestCertificates.Network, IPAddress.IPv6Loopback, ["vifib-c0", "eth0"]);
        Assert.DoesNotContain(args, a => a.Contains(third.BabelKeys[0].Value));
        Assert.Contains("/run/key.conf", args);
    }

    [Fact]
    public async Task TheAdminCommandSetsShowsAndRefusesBadValuesAsARealProcess()
    {
        await using var registry = await TestRegistry.StartAsync();
        var db = registry.Db.Path;
        var shown = await RunCli("network-config", "--db", db);
        Assert.True(shown.Code == 0, shown.Error);
        Assert.Contains("version          0", shown.Out);
        Assert.Contains("(none: babel packets are not signed)", shown.Out);

        var set = await RunCli("network-config", "--db", db, "--hello", "6", "--tunnel-refresh", "120", "--min-version", "0.1.0", "--rotate-babel-key", "--key-overlap", "60");
        Assert.True(set.Code == 0, set.Error);
        Assert.Contains("version          1 (changed", set.Out);
        Assert.Contains("hello            6", set.Out);
        Assert.Contains("babel-key        vifib1 from ", set.Out);
        var config = AdminNetworkConfig.Get(db);
        Assert.DoesNotContain(config.BabelKeys[0].Value, set.Out); // the key's value is never printed

        var json = await RunCli("network-config", "--db", db, "--json");
        using (var doc = JsonDocument.Parse(json.Out))
        {
            Assert.Equal(6, doc.RootElement.GetProperty("hello").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt64());
        }
        Assert.DoesNotContain(config.BabelKeys[0].Value, json.Out);

        // Bad input: a usage error naming the value, and the DB as it was.
        var before = registry.Snapshot();
        foreach (var bad in new[] { new[] { "--hello", "0" }, ["--refresh-rate", "2"], ["--min-version", "soon"], ["--unset", "colour"], ["--bogus"] })
        {
            var refused = await RunCli(["network-config", "--db", db, .. bad]);
            Assert.Equal(2, refused.Code);
            Assert.Contains(bad[^1], refused.Error);
        }
        var missing = await RunCli("network-config", "--db", registry.Dir.File("nowhere.db"), "--hello", "5");
        Assert.Equal(1, missing.Code);
        Assert.Contains("does not exist", missing.Error);
        Assert.Equal(before, registry.Snapshot());

        var unset = await RunCli("network-config", "--db", db, "--unset", "hello");
        Assert.Contains("hello            (not set", unset.Out);
    }
}
