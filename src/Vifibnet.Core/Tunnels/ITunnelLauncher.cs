using System.Net;
using Vifibnet.Peers;

namespace Vifibnet.Tunnels;

/// <summary>A running client tunnel as the manager sees it (an openvpn process in the daemon).</summary>
public interface ITunnelHandle : IDisposable
{
    /// <summary>The tap device.</summary>
    string Device { get; }

    /// <summary>Set once the process ended; <see cref="ExitCode"/> says how.</summary>
    bool HasExited { get; }

    /// <summary>The exit code; 128+N when killed by signal N (a crash, not a dead peer).</summary>
    int? ExitCode { get; }

    /// <summary>True once the tunnel is up (TLS done, tap up).</summary>
    Task<bool> IsConnectedAsync(CancellationToken cancel);

    /// <summary>Bytes received and sent on the tap device so far.</summary>
    (long Rx, long Tx) ReadCounters();

    /// <summary>Our address as the peer's server saw it, once known.</summary>
    IPAddress? ExternalIp();

    /// <summary>Makes the tunnel read its certificate, key and CRL again without losing its device (a renewed certificate).</summary>
    void Reload();

    Task StopAsync();
}

/// <summary>Starts client tunnels: the process boundary of the tunnel manager.</summary>
public interface ITunnelLauncher
{
    ITunnelHandle Start(string device, Peer peer);
}
