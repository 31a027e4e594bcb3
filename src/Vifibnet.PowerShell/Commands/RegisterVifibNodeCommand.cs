using System.Collections;
using System.Management.Automation;
using Vifibnet.PowerShell.Hosting;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>Joins a network (the seed's setup): writes ca.pem, cert.key, cert.crt and peers.db in -Path.</summary>
/// <remarks>
/// <para>Downloads the network's CA, makes a key and a certificate request, exchanges a token for a certificate carrying the node's prefix, and creates the peer DB with a bootstrap peer. An existing valid key is kept.</para>
/// <para>With -Token nothing is asked. Without it the registry mails a token to -Email (or an address asked for) and the token is asked for through the host; in a job or under pwsh -NonInteractive, where nobody can answer, it fails before writing anything.</para>
/// <para>The output pipes into Start-VifibNode, Get-VifibNodeStatus and the other node cmdlets (by -Path).</para>
/// </remarks>
/// <example><code>Register-VifibNode -Server 2001:db8:42::1 -Port 8000 -Path /var/lib/vifibnet -Token (New-VifibToken ./net/registry.db).Token</code><para>Registers this machine with a token made by the administrator.</para></example>
/// <example><code>New-VifibToken ./net/registry.db | Register-VifibNode ::1 8000 -Path ./node1 -NoBoot | Start-VifibNode -Registry 'http://[::1]:8000' -AsJob</code><para>Provisions a node and starts it, in one pipeline.</para></example>
[Cmdlet(VerbsLifecycle.Register, "VifibNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VifibRegistration))]
public sealed class RegisterVifibNodeCommand : VifibCmdlet
{
    /// <summary>The registry's IPv4 or IPv6 address (or host name).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Server { get; set; } = "";

    /// <summary>The registry's TCP port.</summary>
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

    /// <summary>Stop after the peer DB and its bootstrap peer.</summary>
    [Parameter]
    public SwitchParameter DbOnly { get; set; }

    /// <summary>Do not ask the registry for a bootstrap peer.</summary>
    [Parameter]
    public SwitchParameter NoBoot { get; set; }

    /// <summary>Have the registry mail a token to this address, then ask only for the token.</summary>
    [Parameter]
    public string? Email { get; set; }

    /// <summary>A token from an administrator (New-VifibToken, which pipes it here): nothing is asked.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Token { get; set; }

    /// <summary>The network CA's fingerprint (sha256:..., from New-VifibRegistry or New-VifibToken, which pipes it here): the registry's CA must be that one.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? CaFingerprint { get; set; }

    /// <summary>Talk to the registry over TLS (served with Start-VifibRegistry -Tls): its certificate must come from the network's CA, pinned with -CaFingerprint (or the ca.pem already in -Path), so the token never travels in clear.</summary>
    [Parameter]
    public SwitchParameter Tls { get; set; }

    /// <summary>Replace the CA of another network already in -Path (the node registers again).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Also write dh2048.pem for openvpn.</summary>
    [Parameter]
    public SwitchParameter DhFile { get; set; }

    protected override void ProcessRecord()
    {
        var directory = FileSystemPath(Path);
        var options = new SetupOptions(Server, Port, directory)
        {
            Attributes = (Attribute ?? new Hashtable()).Cast<DictionaryEntry>()
                .Select(e => new KeyValuePair<string, string>(e.Key?.ToString() ?? "", e.Value?.ToString() ?? "")).ToList(),
            CaOnly = CaOnly, DbOnly = DbOnly, NoBoot = NoBoot, Email = Email, Token = Token, WriteDh = DhFile,
            CaFingerprint = CaFingerprint, Force = Force, Tls = Tls,
        };
        if (!ShouldProcess(directory, $"Register with the registry at {Server} port {Port}: write ca.pem, cert.key, cert.crt, peers.db"))
            return;
        var needsAnswers = Token is null && !CaOnly;
        if (needsAnswers && !HostPrompt.CanPrompt(Host))
        {
            ThrowFailure(new SetupException(SetupErrorKind.TokenMissing,
                $"no -Token given and this PowerShell ({Host.Name}{(Host.Name == "ServerRemoteHost" ? ", a job" : ", non-interactive")}) cannot ask for one: make one with New-VifibToken, or have it mailed with -Email and run again with -Token"),
                directory);
            return;
        }
        var prompt = needsAnswers ? new HostPrompt(Host, this) : null;
        try
        {
            WriteObject(VifibRegistration.From(RunAndPump(cancel => new NodeSetup(Log.Logger.For("setup")).RunAsync(options, prompt, cancel))));
        }
        catch (SetupException e)
        {
            // One registration is the whole command: a script must not go on to start a node that has none.
            ThrowFailure(e, directory);
        }
    }
}
