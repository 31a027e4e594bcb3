using System.Collections.Concurrent;
using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Processes;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>
/// Serves a network's registry: runs and supervises the `vifibnet registry` program shipped in the
/// module folder (PowerShell hosts may lack ASP.NET Core). Foreground until Ctrl+C, or -AsJob.
/// Output: the registry's log lines (strings), or the job.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VifibRegistry", DefaultParameterSetName = "Foreground")]
[OutputType(typeof(string), ParameterSetName = ["Foreground"])]
[OutputType(typeof(RegistryJob), ParameterSetName = ["AsJob"])]
public sealed class StartVifibRegistryCommand : PSCmdlet
{
    /// <summary>TCP port to listen on (IPv4 and IPv6).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Registry DB; ":memory" for a temporary one.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Db { get; set; } = "";

    /// <summary>CA certificate (its serial carries the network prefix).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Ca { get; set; } = "";

    /// <summary>CA key.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = "";

    /// <summary>The registry's own node address on the overlay, told to nodes with a valid certificate.</summary>
    [Parameter]
    public string? Private { get; set; }

    /// <summary>Bootstrap peers, each "PREFIX IP PORT PROTO" (prefix in binary).</summary>
    [Parameter]
    public string[] Bootstrap { get; set; } = [];

    /// <summary>SMTP server for token mail: host or host:port.</summary>
    [Parameter]
    public string? MailHost { get; set; }

    /// <summary>Node prefix length under the network prefix (default 16).</summary>
    [Parameter]
    [ValidateRange(1, 127)]
    public int PrefixLength { get; set; } = PrefixAllocator.DefaultLength;

    /// <summary>The seed's -v level, 0..5.</summary>
    [Parameter]
    [ValidateRange(0, 5)]
    public int LogLevel { get; set; } = 1;

    /// <summary>Run as a background job; Stop-Job stops the registry.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "AsJob")]
    public SwitchParameter AsJob { get; set; }

    readonly CancellationTokenSource stop = new();

    protected override void ProcessRecord()
    {
        var launch = new RegistryLaunch(Port, Db is ":memory" or ":memory:" ? Db : GetUnresolvedProviderPathFromPSPath(Db),
            GetUnresolvedProviderPathFromPSPath(Ca), GetUnresolvedProviderPathFromPSPath(Key))
        {
            PrivateAddress = Private, Bootstrap = Bootstrap, MailHost = MailHost, LogLevel = LogLevel, PrefixLength = PrefixLength,
        };
        IReadOnlyList<string> arguments;
        (string File, IReadOnlyList<string> Prefix) program;
        try
        {
            arguments = launch.Arguments();
            launch.CheckCaFiles();
            program = VifibnetExecutable.In(System.IO.Path.GetDirectoryName(typeof(StartVifibRegistryCommand).Assembly.Location)!);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "StartVifibRegistryInvalidBootstrap", ErrorCategory.InvalidArgument, Bootstrap));
            return;
        }
        catch (ChildProcessException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "StartVifibRegistryProgramMissing", ErrorCategory.ObjectNotFound, null));
            return;
        }
        catch (CertificateException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "StartVifibRegistryCaUnreadable", ErrorCategory.ReadError, Ca));
            return;
        }
        var all = program.Prefix.Concat(arguments).ToList();
        var command = $"vifibnet {string.Join(' ', arguments)}";
        try
        {
            if (AsJob)
            {
                var job = new RegistryJob(command, program.File, all, $"port {Port}");
                JobRepository.Add(job);
                WriteObject(job);
                return;
            }
            RunInForeground(program.File, all);
        }
        catch (CommandFailedException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "StartVifibRegistryCannotStart", ErrorCategory.ResourceUnavailable, program.File));
        }
    }

    void RunInForeground(string file, IReadOnlyList<string> arguments)
    {
        // The registry's lines (strings) and the supervisor's own records (restarts) reach the pipeline
        // thread through one collection, in the order they happened.
        var items = new BlockingCollection<object>();
        var supervisor = new ProcessSupervisor("vifibnet registry", file, arguments, items.Add, new Logger(Logging.LogLevel.Info, items.Add));
        var run = Task.Run(() => supervisor.RunAsync(stop.Token));
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
            ThrowTerminatingError(ErrorRecords.For(e, "StartVifibRegistryExited", ErrorCategory.InvalidResult, Port));
            return;
        }
        if (code != 0 && !stop.IsCancellationRequested)
            ThrowTerminatingError(ErrorRecords.For(new InvalidOperationException($"vifibnet registry exited with code {code} (its last lines above say why)"),
                "StartVifibRegistryExited", ErrorCategory.InvalidResult, Port));
    }

    protected override void StopProcessing() => stop.Cancel();

    protected override void EndProcessing() => stop.Dispose();
}
