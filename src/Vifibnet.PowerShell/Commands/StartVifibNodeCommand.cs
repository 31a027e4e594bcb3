using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Node;
using Vifibnet.PowerShell.Hosting;

namespace Vifibnet.PowerShell;

/// <summary>Runs a node: openvpn tunnels to peers and babel routing over them (the seed's vifibnet.py).</summary>
/// <remarks>
/// <para>Puts the node's overlay address on lo, runs one openvpn server per -Pp and babeld, opens client tunnels to random peers from the peer DB, replaces the worst ones every -TunnelRefresh seconds, and declares its address to the registry. Needs root, openvpn and babeld.</para>
/// <para>In the foreground it runs until Ctrl+C; with -AsJob the daemon runs in a job of this PowerShell and Stop-Job stops it. Either way every openvpn and babeld it started ends with it, and when PowerShell exits. The certificate is checked before anything starts.</para>
/// <para>Parameters are the seed's options: -LogLevel is its -v, -ConfigFile its @file, -OpenVpnArgument what follows --. -Ip takes "198.51.100.7 1194 udp" or "198.51.100.7:1194/udp"; -Pp "1194 udp" or "1194/udp".</para>
/// </remarks>
/// <example><code>Start-VifibNode -Path /var/lib/vifibnet -Registry 'http://[2001:db8:42::1]:8000' -Ip 198.51.100.7:1194/udp -AsJob</code><para>Runs the node in a job, advertising 198.51.100.7 port 1194 over UDP.</para></example>
/// <example><code>Register-VifibNode ::1 8000 -Path ./node1 -Token $t | Start-VifibNode -Registry 'http://[::1]:8000' -Hello 4 -AsJob</code><para>Registers a node and starts it.</para></example>
[Cmdlet(VerbsLifecycle.Start, "VifibNode", DefaultParameterSetName = "Foreground", SupportsShouldProcess = true)]
[OutputType(typeof(NodeJob), ParameterSetName = ["AsJob"])]
public sealed class StartVifibNodeCommand : VifibCmdlet
{
    /// <summary>The node's state directory: ca.pem, cert.crt, cert.key, peers.db, control socket (default /var/lib/vifibnet).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Addresses to advertise, each "ADDRESS PORT PROTO" or "ADDRESS:PORT/PROTO" (proto udp or tcp-client); none: UPnP or learned.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AdvertisedEndpointCompleter))]
    public string[] Ip { get; set; } = [];

    /// <summary>LAN interfaces where babel finds nodes needing no tunnel.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string[] Interface { get; set; } = [];

    /// <summary>Seconds between peer DB refreshes from the registry (default 3600).</summary>
    [Parameter, ValidateRange(1, int.MaxValue)] public int PeersDbRefresh { get; set; } = 3600;

    /// <summary>Log directory for the daemon, babeld and each openvpn (default /var/log).</summary>
    [Parameter] public string? LogPath { get; set; }

    /// <summary>The seed's -v 0..5, also given to openvpn and babeld.</summary>
    [Parameter, ValidateRange(0, 5), ArgumentCompleter(typeof(LogLevelCompleter))] public int LogLevel { get; set; }

    /// <summary>Registry URL, e.g. http://[2001:db8::1]:8000.</summary>
    [Parameter] public string? Registry { get; set; }

    /// <summary>Babel hello interval in seconds (default 15).</summary>
    [Parameter, ValidateRange(1, 3600)] public int Hello { get; set; } = 15;

    /// <summary>Seconds without a packet after which a tunnel is dead; openvpn pings every second (default 10; 0: every hello, dead after 4 hellos).</summary>
    [Parameter, ValidateRange(0, 3600)] public int TunnelTimeout { get; set; } = NodeOptions.DefaultTunnelTimeout;

    /// <summary>Seconds a tunnel neighbour may leave 100-ms probes unanswered before its routes are bridged elsewhere (default 1.5; 0: off).</summary>
    [Parameter, ValidateRange(0.0, 60.0)] public double ProbeTimeout { get; set; } = NodeOptions.DefaultProbeTimeout.TotalSeconds;

    /// <summary>babeld treats every interface as wireless.</summary>
    [Parameter] public SwitchParameter Wireless { get; set; }

    /// <summary>openvpn servers, each "PORT PROTO" or "PORT/PROTO" (udp or tcp-server on IPv4; udp6 or tcp6-server on IPv6 and IPv4); default 1194 udp and 1194 tcp-server.</summary>
    [Parameter, ArgumentCompleter(typeof(ServerEndpointCompleter))] public string[] Pp { get; set; } = [];

    /// <summary>Seconds between full tunnel refreshes (default 300).</summary>
    [Parameter, ValidateRange(1, int.MaxValue)] public int TunnelRefresh { get; set; } = 300;

    /// <summary>Seconds between asking tunnel neighbours for peers (sooner when short of peers or the registry fails); 0 turns peer exchange off (default 600).</summary>
    [Parameter, ValidateRange(0, int.MaxValue)] public int PeerExchange { get; set; } = 600;

    /// <summary>DH parameters file for the servers (default: none, ECDHE).</summary>
    [Parameter] public string? DhPath { get; set; }

    /// <summary>The network's CA certificate (default: ca.pem in -Path).</summary>
    [Parameter] public string? CaPath { get; set; }

    /// <summary>This node's certificate (default: cert.crt in -Path).</summary>
    [Parameter] public string? CertificatePath { get; set; }

    /// <summary>This node's key (default: cert.key in -Path).</summary>
    [Parameter] public string? KeyPath { get; set; }

    /// <summary>Tunnels wanted in all: ceil(N/2) opened by this node, the rest by peers (default 20).</summary>
    [Parameter, ValidateRange(0, 1000)] public int ConnectionCount { get; set; } = 20;

    /// <summary>Share of tunnels replaced at each refresh, 0..1 (default 0.05).</summary>
    [Parameter, ValidateRange(0.0, 1.0)] public double RefreshRate { get; set; } = 0.05;

    /// <summary>Option files (the seed's @file): one option per line, as `vifibnet node` reads them.</summary>
    [Parameter] public string[] ConfigFile { get; set; } = [];

    /// <summary>Arguments given as they are to every openvpn process (the seed's -- ARGS).</summary>
    [Parameter] public string[] OpenVpnArgument { get; set; } = [];

    /// <summary>Run the daemon in a background job of this PowerShell; Stop-Job stops it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AsJob")] public SwitchParameter AsJob { get; set; }

    Task? foreground;

    protected override void ProcessRecord()
    {
        NodeOptions options;
        try
        {
            options = NodeOptionParser.Parse(NodeArguments.From(this, FileSystemPath), SessionState.Path.CurrentFileSystemLocation.Path);
        }
        catch (Exception e) when (e is NodeOptionException or ArgumentException)
        {
            ThrowFailure(e, null, "InvalidOption");
            return;
        }
        var state = System.IO.Path.GetFullPath(options.StateDir);
        if (!ShouldProcess($"node with state directory {state}", "Start")) return;
        try
        {
            // Before any job or child: a node without a valid certificate says so now, not from a job later.
            NodeStartup.CheckIdentity(options, DateTimeOffset.UtcNow);
        }
        catch (CertificateException e)
        {
            Fail(e, state);
            return;
        }
        if (AsJob)
        {
            var job = new NodeJob(MyInvocation.Line, options);
            VifibJobSourceAdapter.RegisterWith(JobManager);
            job.StartJob();
            WriteObject(job);
            return;
        }
        RunInForeground(options, state);
    }

    /// <summary>One of several piped nodes fails alone; the one foreground node ends the command.</summary>
    void Fail(Exception e, string state)
    {
        if (AsJob) WriteError(StartFailure(e, state));
        else ThrowTerminatingError(StartFailure(e, state));
    }

    void RunInForeground(NodeOptions options, string state)
    {
        var log = new PipelineLog(Logging.Verbosity.MinimumLevel(options.Verbose));
        var daemon = new NodeDaemon(options, log.Logger);
        var run = foreground = Task.Run(() => daemon.RunAsync(Cancellation));
        using var tracked = RunningWork.Track(() => { RequestStop(); return run; });
        // Records arrive on the daemon's threads; they are written here, on the pipeline thread.
        while (!run.IsCompleted)
        {
            run.Wait(TimeSpan.FromMilliseconds(200));
            log.Drain(this, "StartVifibNodeDaemonError");
        }
        log.Drain(this, "StartVifibNodeDaemonError");
        if (run.Exception?.GetBaseException() is { } e) ThrowTerminatingError(StartFailure(e, state));
    }

    /// <summary>The record for a node that could not start: a stable id per cause.</summary>
    internal static ErrorRecord StartFailure(Exception e, object? target = null) => ErrorIds.Record("StartVifibNode", e, target);

    protected override void Dispose(bool disposing)
    {
        // The daemon ends its children before RunAsync returns: wait for that, however the pipeline ended.
        try { foreground?.Wait(TimeSpan.FromSeconds(60)); }
        catch (AggregateException) { /* reported by ProcessRecord */ }
    }
}
