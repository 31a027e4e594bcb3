using System.Management.Automation;
using Vifibnet.Processes;
using Vifibnet.Logging;
using Vifibnet.PowerShell.Hosting;

namespace Vifibnet.PowerShell;

/// <summary>
/// Start-VifibRegistry -AsJob: the supervised `vifibnet registry` process. Its log lines are the
/// job's output, restarts after a crash its warnings; Stop-Job sends it SIGTERM (SIGKILL after 10 s).
/// </summary>
public sealed class RegistryJob : VifibJob
{
    readonly ProcessSupervisor supervisor;

    internal RegistryJob(string command, string file, IReadOnlyList<string> arguments, string databasePath, int port)
        : base(command, "VifibRegistry", "VifibRegistryJob")
    {
        DatabasePath = databasePath;
        Port = port;
        supervisor = new ProcessSupervisor("vifibnet registry", file, arguments, line => Output.Add(PSObject.AsPSObject(line)),
            new Logger(LogLevel.Info, r => PipelineLog.Map(r, "StartVifibRegistryLoggedError", _ => { },
                text => Verbose.Add(new VerboseRecord(text)), text => Warning.Add(new WarningRecord(text)), Error.Add)));
    }

    /// <summary>The registry DB served.</summary>
    public string DatabasePath { get; }

    /// <summary>The TCP port served.</summary>
    public int Port { get; }

    public override string Location => $"port {Port}";

    public override string StatusMessage =>
        JobStateInfo.State is not JobState.Running ? JobStateInfo.State.ToString()
        : supervisor.Pid is { } pid ? $"serving (pid {pid}, restarted {supervisor.Restarts} times)"
        : "restarting";

    protected override async Task RunAsync(CancellationToken cancel)
    {
        var code = await supervisor.RunAsync(cancel);
        if (code != 0 && !cancel.IsCancellationRequested)
            throw new ChildProcessException($"vifibnet registry exited with code {code} (its last lines in the job's output say why)");
    }

    protected override ErrorRecord FailureRecord(Exception e) => ErrorIds.Record("StartVifibRegistry", e, $"port {Port}");
}
