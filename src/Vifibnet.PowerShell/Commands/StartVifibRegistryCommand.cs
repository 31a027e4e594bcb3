using System.Collections.Concurrent;
using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Processes;
using Vifibnet.Logging;
using Vifibnet.PowerShell.Hosting;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Serves a network's registry: runs and supervises the `vifibnet registry` program shipped with the module.</summary>
/// <remarks>
/// <para>The registry hands out tokens (by mail with -MailHost), certificates with a unique node prefix, the bootstrap peer and peer lists. PowerShell hosts may lack ASP.NET Core, so the module ships the self-contained `vifibnet` program in its bin folder and this cmdlet supervises it: a crash is restarted (a warning says so), a program that fails three times within 5 s of starting is given up on.</para>
/// <para>In the foreground the registry's log lines are the output until Ctrl+C; with -AsJob they are the job's output and Stop-Job stops it. The registry never outlives the pipeline or the PowerShell process that started it.</para>
/// </remarks>
/// <example><code>Start-VifibRegistry -Port 8000 -DatabasePath ./net/registry.db -CaPath ./net/ca.crt -KeyPath ./net/ca.key -AsJob</code><para>Serves the registry on port 8000 (IPv4 and IPv6) in a background job.</para></example>
/// <example><code>New-VifibRegistry ./net 2001:db8:42::/48 | Start-VifibRegistry -Port 8000 -LogLevel 2</code><para>Creates a network and serves it in the foreground, printing each request.</para></example>
[Cmdlet(VerbsLifecycle.Start, "VifibRegistry", DefaultParameterSetName = "Foreground", SupportsShouldProcess = true)]
[OutputType(typeof(string), ParameterSetName = ["Foreground"])]
[OutputType(typeof(RegistryJob), ParameterSetName = ["AsJob"])]
public sealed class StartVifibRegistryCommand : VifibCmdlet
{
    /// <summary>TCP port to listen on (IPv4 and IPv6).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>The registry DB (registry.db); ":memory" for a temporary one.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DatabasePath { get; set; } = "";

    /// <summary>The network's CA certificate (ca.crt; its serial carries the network prefix).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string CaPath { get; set; } = "";

    /// <summary>The CA's private key (ca.key).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string KeyPath { get; set; } = "";

    /// <summary>The registry's own node address on the overlay, told to nodes with a valid certificate (the seed's --private).</summary>
    [Parameter]
    public string? PrivateAddress { get; set; }

    /// <summary>Bootstrap peers, each "PREFIX IP PORT PROTO" (prefix in binary, of -PrefixLength digits).</summary>
    [Parameter]
    public string[] Bootstrap { get; set; } = [];

    /// <summary>SMTP server for token mail: host or host:port. Without it, tokens come from New-VifibToken only.</summary>
    [Parameter]
    public string? MailHost { get; set; }

    /// <summary>Node prefix length under the network prefix (default 16).</summary>
    [Parameter]
    [ValidateRange(1, 127)]
    public int PrefixLength { get; set; } = PrefixAllocator.DefaultLength;

    /// <summary>The seed's -v level, 0..5 (default 1; 2 logs every request).</summary>
    [Parameter]
    [ValidateRange(0, 5)]
    [ArgumentCompleter(typeof(LogLevelCompleter))]
    public int LogLevel { get; set; } = 1;

    /// <summary>Serve HTTPS only, with a certificate from the network's CA made at start: nodes register with Register-VifibNode -Tls -CaFingerprint and use an https:// registry URL.</summary>
    [Parameter]
    public SwitchParameter Tls { get; set; }

    /// <summary>Host names or addresses the TLS certificate names besides loopback.</summary>
    [Parameter]
    public string[] TlsName { get; set; } = [];

    /// <summary>Run as a background job; Stop-Job stops the registry.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AsJob")]
    public SwitchParameter AsJob { get; set; }

    Task? foreground;

    protected override void ProcessRecord()
    {
        var db = DatabasePath is ":memory" or ":memory:" ? DatabasePath : FileSystemPath(DatabasePath);
        var launch = new RegistryLaunch(Port, db, FileSystemPath(CaPath), FileSystemPath(KeyPath))
        {
            PrivateAddress = PrivateAddress, Bootstrap = Bootstrap, MailHost = MailHost, LogLevel = LogLevel, PrefixLength = PrefixLength,
            Tls = Tls, TlsNames = TlsName,
        };
        IReadOnlyList<string> arguments;
        (string File, IReadOnlyList<string> Prefix) program;
        try
        {
            arguments = launch.Arguments();
            launch.CheckCaFiles();
            // The module ships the self-contained program in bin/ (build.ps1 Package).
            program = VifibnetExecutable.In(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(StartVifibRegistryCommand).Assembly.Location)!, "bin"));
        }
        catch (ArgumentException e)
        {
            ThrowFailure(e, Bootstrap, "InvalidBootstrap");
            return;
        }
        catch (ChildProcessException e)
        {
            ThrowFailure(e, null, "ProgramMissing");
            return;
        }
        catch (CertificateException e)
        {
            ThrowFailure(e, CaPath, "CaUnreadable");
            return;
        }
        if (!ShouldProcess($"port {Port}", $"Serve the registry of {db}")) return;
        var all = program.Prefix.Concat(arguments).ToList();
        if (AsJob)
        {
            var job = new RegistryJob($"vifibnet {string.Join(' ', arguments)}", program.File, all, db, Port);
            VifibJobSourceAdapter.RegisterWith(JobManager);
            job.StartJob();
            WriteObject(job);
            return;
        }
        RunInForeground(program.File, all);
    }

    void RunInForeground(string file, IReadOnlyList<string> arguments)
    {
        // The registry's lines (strings) and the supervisor's records (restarts) reach the pipeline
        // thread through one collection, in the order they happened.
        var items = new BlockingCollection<object>();
        var supervisor = new ProcessSupervisor("vifibnet registry", file, arguments, items.Add, new Logger(Logging.LogLevel.Info, items.Add));
        var run = Task.Run(() => supervisor.RunAsync(Cancellation));
        foreground = run;
        using var tracked = RunningWork.Track(() => { RequestStop(); return run; });
        _ = run.ContinueWith(_ => items.CompleteAdding(), TaskScheduler.Default);
        foreach (var item in items.GetConsumingEnumerable())
        {
            if (item is LogRecord record)
            {
                if (record.Level >= Logging.LogLevel.Warning) WriteWarning(record.Message);
                else WriteVerbose(record.Message);
            }
            else WriteObject(item);
        }
        int code;
        try
        {
            code = run.GetAwaiter().GetResult();
        }
        catch (ChildProcessException e)
        {
            ThrowFailure(e, Port);
            return;
        }
        if (code != 0 && !Cancellation.IsCancellationRequested)
            ThrowFailure(new ChildProcessException($"vifibnet registry exited with code {code} (its last lines above say why)"), Port, "Exited");
    }

    /// <summary>A pipeline stopped downstream (Select-Object -First 1) ends here too: stop the program before returning.</summary>
    protected override void Dispose(bool disposing)
    {
        try { foreground?.Wait(TimeSpan.FromSeconds(20)); }
        catch (AggregateException) { /* its failure was reported by ProcessRecord */ }
    }
}
