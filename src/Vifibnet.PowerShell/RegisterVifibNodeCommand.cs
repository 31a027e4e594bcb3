using System.Collections;
using System.Management.Automation;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>
/// Joins a network (the seed's setup.py): ca.pem, cert.key, cert.crt and peers.db in -Path.
/// Asks for the e-mail and the mailed token through the host unless -Token (or -Email) is given.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "VifibNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SetupResult))]
public sealed class RegisterVifibNodeCommand : PSCmdlet
{
    /// <summary>The registry's IPv4 or IPv6 address (or host name).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Server { get; set; } = "";

    /// <summary>The registry's port.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>The node's directory (the daemon's state directory); default: the current location.</summary>
    [Parameter]
    public string Path { get; set; } = ".";

    /// <summary>Certificate subject attributes, e.g. @{ O = 'Example'; C = 'FR' } (the seed's -r NAME VALUE).</summary>
    [Parameter]
    public Hashtable? Attribute { get; set; }

    /// <summary>Stop after downloading the CA.</summary>
    [Parameter]
    public SwitchParameter CaOnly { get; set; }

    /// <summary>Stop after the peers DB and its bootstrap peer.</summary>
    [Parameter]
    public SwitchParameter DbOnly { get; set; }

    /// <summary>Do not ask the registry for a bootstrap peer.</summary>
    [Parameter]
    public SwitchParameter NoBoot { get; set; }

    /// <summary>Have the registry mail a token here, then ask only for the token.</summary>
    [Parameter]
    public string? Email { get; set; }

    /// <summary>A token from an administrator (New-VifibToken): no questions asked.</summary>
    [Parameter]
    public string? Token { get; set; }

    /// <summary>Also write dh2048.pem for openvpn.</summary>
    [Parameter]
    public SwitchParameter DhFile { get; set; }

    readonly CancellationTokenSource cancel = new();

    protected override void ProcessRecord()
    {
        var directory = GetUnresolvedProviderPathFromPSPath(Path);
        var options = new SetupOptions(Server, Port, directory)
        {
            Attributes = (Attribute ?? new Hashtable()).Cast<DictionaryEntry>()
                .Select(e => new KeyValuePair<string, string>(e.Key?.ToString() ?? "", e.Value?.ToString() ?? "")).ToList(),
            CaOnly = CaOnly, DbOnly = DbOnly, NoBoot = NoBoot, Email = Email, Token = Token, WriteDh = DhFile,
        };
        if (!ShouldProcess(directory, $"Register with the registry at {Server} port {Port}: write ca.pem, cert.key, cert.crt, peers.db"))
            return;
        var log = new PipelineLog();
        var dispatcher = new PipelineDispatcher(this, log);
        var prompt = Token is null ? new HostPrompt(Host, dispatcher) : null;
        try
        {
            WriteObject(dispatcher.Run(() => new NodeSetup(log.Logger.For("setup")).RunAsync(options, prompt, cancel.Token)));
        }
        catch (SetupException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, $"RegisterVifibNode{e.Kind}", Category(e.Kind), directory));
        }
    }

    static ErrorCategory Category(SetupErrorKind kind) => kind switch
    {
        SetupErrorKind.RegistryUnreachable => ErrorCategory.ConnectionError,
        SetupErrorKind.RegistryRefused => ErrorCategory.InvalidResult,
        SetupErrorKind.TokenRejected => ErrorCategory.AuthenticationError,
        SetupErrorKind.TokenMissing => ErrorCategory.InvalidArgument,
        SetupErrorKind.InvalidCa => ErrorCategory.InvalidData,
        SetupErrorKind.CertificateMismatch => ErrorCategory.SecurityError,
        SetupErrorKind.DirectoryNotWritable => ErrorCategory.PermissionDenied,
        SetupErrorKind.NoBootstrapPeer => ErrorCategory.ObjectNotFound,
        SetupErrorKind.InvalidAttribute or SetupErrorKind.InvalidOption => ErrorCategory.InvalidArgument,
        SetupErrorKind.Cancelled => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };

    protected override void StopProcessing() => cancel.Cancel();

    protected override void EndProcessing() => cancel.Dispose();
}
