namespace Vifibnet.Routing;

/// <summary>What babeld needs from the node: the hello interval, wireless mode, the verbosity, and where its files go.</summary>
/// <param name="Hello">Hello and IHU interval in seconds (babeld -h and -H).</param>
/// <param name="Wireless">Treat every interface as wireless (babeld -w).</param>
/// <param name="Verbose">The node's -v 0..5; 4 and 5 turn on babeld's own debug output.</param>
/// <param name="PidFile">babeld -I: one per node, so several nodes share a filesystem.</param>
/// <param name="StateFile">babeld -S.</param>
/// <param name="Socket">babeld -G: its local socket, read to count routes.</param>
/// <param name="LogFile">Where babeld's output goes.</param>
public sealed record BabelSettings(int Hello, bool Wireless, int Verbose, string PidFile, string StateFile, string Socket, string LogFile)
{
    /// <summary>
    /// Link-quality estimation on the tunnels (names starting <see cref="TunnelDevicePrefix"/>): a lossy tunnel costs
    /// more instead of being dropped after two lost hellos, and a new tunnel carries routes from its first hello.
    /// A dead tunnel is noticed by openvpn (--tunnel-timeout), not by babel.
    /// </summary>
    public bool TunnelLinkQuality { get; init; }

    /// <summary>
    /// babeld's update-interval on the tunnels (full table dumps; its default is 4 hellos), null: babeld's default.
    /// babeld answers a seqno request on the requester's interface only, so after a reroute a node's other tunnels
    /// may hold its routes at an older seqno, unfeasible, until the next full dump (measured: a cut node stayed dark
    /// a whole update interval, 60 s at hello 15). Routes still live 15 s at least (babeld's minimum hold time).
    /// </summary>
    public TimeSpan? TunnelUpdateInterval { get; init; }

    /// <summary>
    /// Timestamps on the tunnels (babeld's enable-timestamps, without an RTT penalty: link costs stay fixed). With them a
    /// neighbour answers our route request with a hello besides its IHU, which is what lets a new tunnel's handshake finish
    /// within a second of the bounce (<c>NodeDaemon.HurryHandshakeAsync</c>).
    /// </summary>
    public bool TunnelTimestamps { get; init; }

    public const string TunnelDevicePrefix = "vifib-";

    /// <summary>The network's babel key for the LAN interfaces (from the network configuration), null: packets unsigned.</summary>
    public BabelAuthentication? Authentication { get; init; }

    /// <summary>babeld -c: the file (0600, in the node's run directory) the key lines go in, so no command line shows the key.</summary>
    public string? KeyConfigFile { get; init; }
}
