using Vifibnet.Addressing;

namespace Vifibnet.Configuration;

/// <summary>
/// Everything a node daemon is told, with the seed's option names and defaults (vifibnet.py).
/// Immutable: build one with <see cref="NodeOptionParser"/> or a `with` expression.
/// </summary>
public sealed record NodeOptions
{
    /// <summary>--ip ADDRESS PORT PROTO: addresses to advertise; empty means learn the external IP.</summary>
    public IReadOnlyList<PeerAddress> Ips { get; init; } = [];

    /// <summary>-i/--interface: LAN interfaces where babel finds nodes we need no tunnel to.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>--peers-db-refresh: seconds between peer DB refreshes from the registry.</summary>
    public TimeSpan PeersDbRefresh { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>-l/--log: directory of the daemon's, babeld's and each openvpn's log file.</summary>
    public string LogDir { get; init; } = "/var/log";

    /// <summary>The seed's default state directory, where setup's files and the control socket are looked for.</summary>
    public const string DefaultStateDir = "/var/lib/vifibnet";

    /// <summary>-s/--state: directory of peers.db, babeld's state and the control socket.</summary>
    public string StateDir { get; init; } = DefaultStateDir;

    /// <summary>-v/--verbose 0..5, also handed to openvpn and babeld.</summary>
    public int Verbose { get; init; }

    /// <summary>--registry URL, or null to run on the peer DB alone.</summary>
    public Uri? Registry { get; init; }

    /// <summary>--hello: babel hello interval in seconds; openvpn gives up after 4 of them.</summary>
    public int Hello { get; init; } = 15;

    /// <summary>Default of <see cref="TunnelTimeout"/>: 10 one-second pings lost in a row; on a link losing 20 % of its packets that happens about once in 300 years per tunnel.</summary>
    public const int DefaultTunnelTimeout = 10;

    /// <summary>
    /// --tunnel-timeout: seconds without a packet from the peer after which a tunnel is dead (openvpn
    /// pings every second on each tunnel, independent of --hello); 0 keeps the seed's ping every hello
    /// and ping-exit after 4 hellos.
    /// </summary>
    public int TunnelTimeout { get; init; } = DefaultTunnelTimeout;

    /// <summary>
    /// Default of <see cref="ProbeTimeout"/>: 15 probes of 100 ms unanswered. At 20 % loss each way (36 % of the round
    /// trips lost) that happens about once in a week per tunnel end, and then only bridges routes for a moment.
    /// </summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// --probe-timeout: the daemon probes every tunnel neighbour every 100 ms (ICMPv6 echo over the tap) and bridges
    /// the routes through one silent this long, until it answers again or openvpn drops it; zero: off.
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = DefaultProbeTimeout;

    /// <summary>-w/--wireless: babeld treats every interface as wireless.</summary>
    public bool Wireless { get; init; }

    /// <summary>--pp PORT PROTO: one openvpn server each.</summary>
    public IReadOnlyList<ServerEndpoint> Servers { get; init; } = DefaultServers;

    public static IReadOnlyList<ServerEndpoint> DefaultServers { get; } = [new(1194, "udp"), new(1194, "tcp-server")];

    /// <summary>--tunnel-refresh: seconds between full tunnel refreshes.</summary>
    public TimeSpan TunnelRefresh { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>--peer-exchange: how often tunnel neighbours are asked for peers; zero turns peer exchange off (no asking, no answering).</summary>
    public TimeSpan PeerExchange { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>--dh: DH parameters for the servers; null means `dh none` (ECDHE only).</summary>
    public string? Dh { get; init; }

    /// <summary>--ca: the network's CA certificate; null means &lt;state&gt;/ca.pem (where setup writes it).</summary>
    public string? Ca { get; init; }

    /// <summary>--cert: our certificate; null means &lt;state&gt;/cert.crt.</summary>
    public string? Cert { get; init; }

    /// <summary>--key: our private key; null means &lt;state&gt;/cert.key.</summary>
    public string? Key { get; init; }

    /// <summary>--connection-count K: tunnels wanted in all; we open ceil(K/2) as client, peers open the rest to our servers.</summary>
    public int ConnectionCount { get; init; } = 20;

    /// <summary>--refresh-rate: share of tunnels replaced at each refresh, 0..1.</summary>
    public double RefreshRate { get; init; } = 0.05;

    /// <summary>Arguments after `--`, given to every openvpn process as they are.</summary>
    public IReadOnlyList<string> OpenVpnArgs { get; init; } = [];

    /// <summary>
    /// The long names of the options given on the command line or in an @file ("hello", ...): those stay local
    /// overrides of the network configuration the registry signs (docs/lifecycle.md). Built in code, say them here too.
    /// </summary>
    public IReadOnlySet<string> Given { get; init; } = new HashSet<string>();

    public string CaPath => Ca ?? Path.Combine(StateDir, "ca.pem");
    public string CertPath => Cert ?? Path.Combine(StateDir, "cert.crt");
    public string KeyPath => Key ?? Path.Combine(StateDir, "cert.key");
    public string PeerDbPath => Path.Combine(StateDir, "peers.db");

    /// <summary>The control socket `vifibnet tunnels` and Get-VifibTunnel talk to.</summary>
    public string ControlSocketPath => ControlSocketIn(StateDir);

    public static string ControlSocketIn(string stateDir) => Path.Combine(stateDir, "vifibnet.sock");

    /// <summary>Checks ranges the parser also checks, for options built in code (cmdlets, tests).</summary>
    public NodeOptions Validate()
    {
        if (Verbose is < 0 or > 5) throw new NodeOptionException($"--verbose {Verbose} is outside 0..5");
        if (Hello < 1) throw new NodeOptionException($"--hello {Hello} must be at least 1 second");
        if (TunnelTimeout is < 0 or 1 or > 3600)
            throw new NodeOptionException($"--tunnel-timeout {TunnelTimeout} must be 0 (4 hellos, as the seed) or 2..3600 seconds");
        if (ProbeTimeout != TimeSpan.Zero && (ProbeTimeout < TimeSpan.FromSeconds(0.3) || ProbeTimeout > TimeSpan.FromSeconds(60)))
            throw new NodeOptionException($"--probe-timeout {ProbeTimeout.TotalSeconds} must be 0 (off) or 0.3..60 seconds");
        if (RefreshRate is < 0 or > 1 or double.NaN) throw new NodeOptionException($"--refresh-rate {RefreshRate} is outside 0..1");
        if (ConnectionCount < 0) throw new NodeOptionException($"--connection-count {ConnectionCount} must not be negative");
        if (TunnelRefresh <= TimeSpan.Zero) throw new NodeOptionException("--tunnel-refresh must be positive");
        if (PeersDbRefresh <= TimeSpan.Zero) throw new NodeOptionException("--peers-db-refresh must be positive");
        foreach (var s in Servers)
            if (!ServerEndpoint.Protocols.Contains(s.Protocol))
                throw new NodeOptionException($"--pp protocol '{s.Protocol}' is not one of {string.Join(", ", ServerEndpoint.Protocols)}");
        if (Servers.Select(s => (s.Port, s.IsUdp)).Distinct().Count() != Servers.Count)
            throw new NodeOptionException("--pp lists the same port and protocol twice");
        if (Ips.FirstOrDefault(a => a.Ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !a.Ip.IsIPv4MappedToIPv6) is { } v6
            && !Servers.Any(s => s.AcceptsIPv6))
            throw new NodeOptionException($"--ip {v6.Ip} {v6.Port} {v6.Protocol} is an IPv6 address, but every --pp server listens on IPv4 only: add --pp {v6.Port} {(v6.Protocol == "udp" ? "udp6" : "tcp6-server")}");
        return this;
    }
}
