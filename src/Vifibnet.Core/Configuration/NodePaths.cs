namespace Vifibnet.Configuration;

/// <summary>
/// Where a node keeps its files. Everything a child process writes (pid, state, sockets, logs) is
/// under this node's own state and log directories, so several nodes can share one filesystem.
/// </summary>
public sealed record NodePaths(string StateDir, string LogDir)
{
    public static NodePaths Of(NodeOptions options) => new(Path.GetFullPath(options.StateDir), Path.GetFullPath(options.LogDir));

    /// <summary>Pid files, management sockets, the openvpn hook script (named by OpenVpnSettings): recreated at every start.</summary>
    public string RunDir => Path.Combine(StateDir, "run");


    public string BabeldPidFile => Path.Combine(RunDir, "babeld.pid");
    public string BabeldSocket => Path.Combine(RunDir, "babeld.sock");
    public string BabeldState => Path.Combine(StateDir, "vifibnet.babeld.state");

    /// <summary>The network's CRL, as the registry last sent it and openvpn reads it (--crl-verify).</summary>
    public string CrlFile => Path.Combine(StateDir, "crl.pem");

    /// <summary>The certificates that CRL revokes, so the node knows their prefixes.</summary>
    public string RevokedCertificatesFile => Path.Combine(StateDir, "revoked.pem");

    /// <summary>The last network configuration signed by the CA that the node took (it holds the babel key: owner only).</summary>
    public string NetworkConfigFile => Path.Combine(StateDir, "network-config.json");

    public string DaemonLog => Path.Combine(LogDir, "vifibnet.log");
    public string BabeldLog => Path.Combine(LogDir, "vifibnet-babeld.log");
}
