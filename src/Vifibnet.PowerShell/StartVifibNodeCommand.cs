using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Node;
using Vifibnet.Processes;

namespace Vifibnet.PowerShell;

/// <summary>
/// Runs a node (the seed's vifibnet.py): openvpn tunnels to peers and babel routing. Foreground until
/// Ctrl+C, or -AsJob: the daemon runs in a <see cref="NodeJob"/> and Stop-Job stops it cleanly.
/// Parameters are the seed's options (-LogLevel is its -v, -ConfigFile its @file, -OpenVpnArgument what follows --).
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VifibNode", DefaultParameterSetName = "Foreground", SupportsShouldProcess = true)]
[OutputType(typeof(NodeJob), ParameterSetName = ["AsJob"])]
public sealed class StartVifibNodeCommand : PSCmdlet
{
    /// <summary>Addresses to advertise, each "ADDRESS PORT PROTO" (proto udp or tcp-client); none: learn it.</summary>
    [Parameter] public string[] Ip { get; set; } = [];

    /// <summary>LAN interfaces where babel finds nodes needing no tunnel.</summary>
    [Parameter] public string[] Interface { get; set; } = [];

    /// <summary>Seconds between peer DB refreshes (default 3600).</summary>
    [Parameter, ValidateRange(1, int.MaxValue)] public int PeersDbRefresh { get; set; } = 3600;

    /// <summary>Log directory (default /var/log).</summary>
    [Parameter] public string? Log { get; set; }

    /// <summary>State directory: peers.db, control socket (default /var/lib/vifibnet).</summary>
    [Parameter] public string? State { get; set; }

    /// <summary>The seed's -v 0..5, also given to openvpn and babeld.</summary>
    [Parameter, ValidateRange(0, 5)] public int LogLevel { get; set; }

    /// <summary>Registry URL, e.g. http://[2001:db8::1]:8000.</summary>
    [Parameter] public string? Registry { get; set; }

    /// <summary>Babel hello interval in seconds (default 15); openvpn gives up after 4.</summary>
    [Parameter, ValidateRange(1, 3600)] public int Hello { get; set; } = 15;

    /// <summary>babeld treats every interface as wireless.</summary>
    [Parameter] public SwitchParameter Wireless { get; set; }

    /// <summary>openvpn servers, each "PORT PROTO" (udp or tcp-server); default 1194 udp and 1194 tcp-server.</summary>
    [Parameter] public string[] Pp { get; set; } = [];

    /// <summary>Seconds between full tunnel refreshes (default 300).</summary>
    [Parameter, ValidateRange(1, int.MaxValue)] public int TunnelRefresh { get; set; } = 300;

    /// <summary>DH parameters file for the servers (default: none, ECDHE).</summary>
    [Parameter] public string? Dh { get; set; }

    /// <summary>The network's CA certificate (default STATE/ca.pem).</summary>
    [Parameter] public string? Ca { get; set; }

    /// <summary>This node's certificate (default STATE/cert.crt).</summary>
    [Parameter] public string? Cert { get; set; }

    /// <summary>This node's key (default STATE/cert.key).</summary>
    [Parameter] public string? Key { get; set; }

    /// <summary>Tunnels wanted in all: ceil(N/2) opened by this node, the rest by peers (default 20).</summary>
    [Parameter, ValidateRange(0, 1000)] public int ConnectionCount { get; set; } = 20;

    /// <summary>Share of tunnels replaced at each refresh, 0..1 (default 0.05).</summary>
    [Parameter, ValidateRange(0.0, 1.0)] public double RefreshRate { get; set; } = 0.05;

    /// <summary>Option files (the seed's @file): one option per line.</summary>
    [Parameter] public string[] ConfigFile { get; set; } = [];

    /// <summary>Arguments given as they are to every openvpn process.</summary>
    [Parameter] public string[] OpenVpnArgument { get; set; } = [];

    /// <summary>Run the daemon in a background job; Stop-Job stops it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AsJob")] public SwitchParameter AsJob { get; set; }

    readonly CancellationTokenSource stop = new();

    protected override void ProcessRecord()
    {
        NodeOptions options;
        try
        {
            options = NodeOptionParser.Parse(NodeArguments.From(this, GetUnresolvedProviderPathFromPSPath), SessionState.Path.CurrentFileSystemLocation.Path);
        }
        catch (Exception e) when (e is NodeOptionException or ArgumentException)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "StartVifibNodeInvalidOption", ErrorCategory.InvalidArgument, null));
            return;
        }
        if (!ShouldProcess($"node with state directory {System.IO.Path.GetFullPath(options.StateDir)}", "Start")) return;
        if (AsJob)
        {
            var job = new NodeJob(MyInvocation.Line, options);
            JobRepository.Add(job);
            job.StartJob();
            WriteObject(job);
            return;
        }
        RunInForeground(options);
    }

    void RunInForeground(NodeOptions options)
    {
        var log = new PipelineLog(Logging.Verbosity.MinimumLevel(options.Verbose));
        var daemon = new NodeDaemon(options, log.Logger);
        var run = Task.Run(() => daemon.RunAsync(stop.Token));
        // Records arrive on the daemon's threads; they are written here, on the pipeline thread.
        while (!run.IsCompleted)
        {
            WaitHandle.WaitAny([log.Arrived, ((IAsyncResult)run).AsyncWaitHandle], TimeSpan.FromSeconds(1));
            log.Drain(this);
        }
        log.Drain(this);
        if (run.Exception?.GetBaseException() is { } e) ThrowTerminatingError(StartError(e));
    }

    /// <summary>The ErrorRecord for a node that could not start: stable ids per cause.</summary>
    internal static ErrorRecord StartError(Exception e) => e switch
    {
        CertificateException => ErrorRecords.For(e, "StartVifibNodeCertificateInvalid", ErrorCategory.SecurityError, null),
        ToolNotFoundException t => ErrorRecords.For(e, "StartVifibNodeProgramMissing", ErrorCategory.ObjectNotFound, t.Program),
        NodeOptionException => ErrorRecords.For(e, "StartVifibNodeInvalidOption", ErrorCategory.InvalidArgument, null),
        _ => ErrorRecords.For(e, "StartVifibNodeFailed", ErrorCategory.NotSpecified, null),
    };

    protected override void StopProcessing() => stop.Cancel();

    protected override void EndProcessing() => stop.Dispose();
}
