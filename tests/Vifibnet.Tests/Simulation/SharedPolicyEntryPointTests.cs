using System.Net;
using System.Reflection;
using Vifibnet.Addressing;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Protocol;
using Vifibnet.Routing;
using Vifibnet.Simulation;
using Vifibnet.Tunnels;

namespace Vifibnet.Tests.Simulation;

/// <summary>
/// The simulator runs the daemon's policy, not a copy: both take an <see cref="ITunnelPolicy"/>, both default
/// to <see cref="TunnelPolicy"/>, and one policy object handed to both is called by both with real inputs.
/// The daemon side uses its real TunnelManager and a real peers.db; only openvpn is a stand-in (the process
/// boundary), as in TunnelManagerTests.
/// </summary>
public sealed class SharedPolicyEntryPointTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("vifibnet-sim-policy-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    sealed class CountingPolicy : ITunnelPolicy
    {
        readonly TunnelPolicy inner = new();
        public List<PolicyInput> Inputs { get; } = [];

        public PolicyDecision Decide(PolicyInput input, Random random)
        {
            Inputs.Add(input);
            return inner.Decide(input, random);
        }
    }

    sealed class StandInTunnel(string device) : ITunnelHandle
    {
        public string Device { get; } = device;
        public bool HasExited => false;
        public int? ExitCode => null;
        public Task<bool> IsConnectedAsync(CancellationToken cancel) => Task.FromResult(true);
        public (long Rx, long Tx) ReadCounters() => (0, 0);
        public IPAddress? ExternalIp() => null;
        public void Reload() { }
        public Task StopAsync() => Task.CompletedTask;
        public void Dispose() { }
    }

    sealed class StandInLauncher : ITunnelLauncher
    {
        public ITunnelHandle Start(string device, Peer peer) => new StandInTunnel(device);
    }

    static string Prefix(int n) => new NodePrefix(n, 16).ToBinary();

    [Fact]
    public void BothDefaultToTheDaemonsTunnelPolicy()
    {
        Assert.IsType<TunnelPolicy>(new NetworkSimulator().Policy);
        var daemon = new NodeDaemon(new NodeOptions { StateDir = dir, LogDir = dir }, Logger.Null);
        var field = typeof(NodeDaemon).GetField("policy", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("NodeDaemon no longer keeps its ITunnelPolicy in a field named 'policy'");
        Assert.IsType<TunnelPolicy>(field.GetValue(daemon));
        Assert.Contains(typeof(NodeDaemon).GetConstructors().Single().GetParameters(), p => p.ParameterType == typeof(ITunnelPolicy));
    }

    [Fact]
    public async Task TheDaemonKeepsItsTunnelsAtRefreshWhenNoFreshPeerCouldReplaceOne()
    {
        // Three peers, all tunnelled to: a refresh that dropped one would only reopen it at the next tick.
        using var db = PeerDb.Open(Path.Combine(dir, "peers.db"));
        db.AddOrUpdate(Enumerable.Range(2, 3).Select(n => new Peer(Prefix(n), $"198.51.100.{n},1194,udp")));
        var manager = new TunnelManager(NetworkPrefix.Parse("2001:db8:42::/48"), Prefix(1), [], 20, 0.5, TimeSpan.FromMinutes(5),
            db, new StandInLauncher(), new TunnelPolicy(), _ => Task.FromResult<IReadOnlyList<BabelRoute>>([]), new Random(1), Logger.Null);
        Assert.Equal(3, (await manager.TickAsync(refresh: false, default)).Opened.Count);
        var refresh = await manager.TickAsync(refresh: true, default);
        Assert.Empty(refresh.Closed);
        Assert.Empty(refresh.Opened);
    }

    [Fact]
    public async Task OnePolicyObjectIsCalledByTheDaemonsTunnelManagerAndByTheSimulator()
    {
        var policy = new CountingPolicy();
        using var db = PeerDb.Open(Path.Combine(dir, "peers.db"));
        db.AddOrUpdate(Enumerable.Range(2, 5).Select(n => new Peer(Prefix(n), $"198.51.100.{n},1194,udp")));
        var manager = new TunnelManager(NetworkPrefix.Parse("2001:db8:42::/48"), Prefix(1), [], 6, 0.05, TimeSpan.FromMinutes(5),
            db, new StandInLauncher(), policy, _ => Task.FromResult<IReadOnlyList<BabelRoute>>([]), new Random(1), Logger.Null);

        var changes = await manager.TickAsync(refresh: false, default);
        var daemonInput = Assert.Single(policy.Inputs);
        Assert.Equal(Enumerable.Range(2, 5).Select(Prefix).Order(), daemonInput.Candidates.Order());
        Assert.Equal(6, daemonInput.ConnectionCount);
        Assert.Equal(3, changes.Opened.Count);

        new NetworkSimulator(policy).Run(new SimulationOptions { Nodes = 20, ConnectionCount = 6, RefreshRounds = 1, MaxIncoming = 0 });
        Assert.Equal(1 + 2 * 20, policy.Inputs.Count);
        var simulated = policy.Inputs.Skip(1).ToList();
        Assert.All(simulated, i => Assert.Equal(6, i.ConnectionCount));
        Assert.All(simulated.Take(20), i => Assert.False(i.Refresh));
        Assert.All(simulated.Skip(20), i => Assert.True(i.Refresh));
        Assert.All(simulated.Skip(20), i => Assert.Equal(3, i.Tunnels.Count));
    }
}
