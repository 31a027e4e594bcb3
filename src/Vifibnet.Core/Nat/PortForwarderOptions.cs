using System.Net;

namespace Vifibnet.Nat;

/// <summary>How a <see cref="PortForwarder"/> searches, maps and refreshes. Defaults suit a home router.</summary>
public sealed record PortForwarderOptions
{
    /// <summary>How long SSDP discovery listens for gateways.</summary>
    public TimeSpan DiscoveryWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Lease asked for each mapping; a gateway that only takes permanent leases (725) gets 0.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromHours(3);

    /// <summary>Renewal period: the seed's hourly, well inside the lease.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Retry period after a failed start or refresh (gateway missing, rebooting, refusing).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>External ports are drawn at random from this range.</summary>
    public int MinExternalPort { get; init; } = 1024;
    public int MaxExternalPort { get; init; } = 65535;

    /// <summary>Random external ports tried per --pp pair before giving up.</summary>
    public int Attempts { get; init; } = 16;

    /// <summary>The mapping description; also how we recognise our own mappings left by an earlier run.</summary>
    public string Description { get; init; } = "Vifibnet openvpn";

    /// <summary>Where SSDP searches go (tests point it at a stand-in device).</summary>
    public IPEndPoint SearchTarget { get; init; } = SsdpDiscovery.MulticastEndpoint;

    /// <summary>A known description URL: skips SSDP (for gateways that don't answer M-SEARCH).</summary>
    public Uri? DescriptionUrl { get; init; }

    /// <summary>Opens every socket (tests open them in a network namespace).</summary>
    public SocketOpener? Open { get; init; }

    /// <summary>Per-request HTTP timeout toward the gateway.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The random source for port choice (seeded in tests).</summary>
    public Random Random { get; init; } = Random.Shared;
}
