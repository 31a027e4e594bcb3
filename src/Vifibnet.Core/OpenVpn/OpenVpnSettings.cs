namespace Vifibnet.OpenVpn;

/// <summary>
/// What the node's openvpn processes need: credentials, timing, limits, the arguments after `--`,
/// and the directories their pid files, management sockets, hook script and logs go in (named here).
/// </summary>
/// <param name="CaPath">The network's CA certificate.</param>
/// <param name="CertPath">This node's certificate.</param>
/// <param name="KeyPath">This node's private key.</param>
/// <param name="Hello">The babel hello interval in seconds: without <see cref="TunnelTimeout"/>, openvpn pings every hello and gives up after 4.</param>
/// <param name="Verbose">The node's -v, handed to openvpn as --verb.</param>
/// <param name="Dh">DH parameters for the servers; null: dh none (ECDHE).</param>
/// <param name="MaxClients">--max-clients of each server (the node's --connection-count, at least 1).</param>
/// <param name="ExtraArgs">Every argument after `--` on the node's command line.</param>
/// <param name="RunDir">Pid files, management sockets and the hook script.</param>
/// <param name="LogDir">One log file per openvpn process.</param>
/// <param name="CrlPath">The network's CRL: given as --crl-verify once the file exists (openvpn re-reads it when it changes).</param>
public sealed record OpenVpnSettings(string CaPath, string CertPath, string KeyPath, int Hello, int Verbose, string? Dh, int MaxClients,
    IReadOnlyList<string> ExtraArgs, string RunDir, string LogDir, string? CrlPath = null)
{
    /// <summary>
    /// Seconds of silence after which openvpn drops a tunnel (--tunnel-timeout); 0: 4 hellos, as the seed did.
    /// Set on its own so babeld's and openvpn's argument lists stay apart.
    /// </summary>
    public int TunnelTimeout { get; init; }

    /// <summary>Seconds between openvpn's pings when nothing else was sent: every second with a tunnel timeout (liveness independent of the hello), else every hello.</summary>
    public int PingInterval => TunnelTimeout > 0 ? 1 : Hello;

    /// <summary>Seconds of silence after which openvpn drops a tunnel: the tunnel timeout, else 4 hellos.</summary>
    public int PingExit => TunnelTimeout > 0 ? TunnelTimeout : 4 * Hello;

    public string HookScript => Path.Combine(RunDir, "openvpn-hook.sh");
    public string ManagementSocket(string device) => Path.Combine(RunDir, device + ".mgmt");
    public string PidFile(string device) => Path.Combine(RunDir, device + ".pid");

    /// <summary>Written by the client hook: our address as the peer's server saw it.</summary>
    public string ExternalIpFile(string device) => Path.Combine(RunDir, device + ".external-ip");

    public string LogFile(string device) => Path.Combine(LogDir, $"vifibnet-openvpn-{device}.log");
}
