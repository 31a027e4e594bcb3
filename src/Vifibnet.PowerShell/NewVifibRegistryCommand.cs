using System.Management.Automation;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Creates a network: a CA whose serial carries the network prefix, its key (0600) and a registry DB.</summary>
[Cmdlet(VerbsCommon.New, "VifibRegistry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(NewNetwork))]
public sealed class NewVifibRegistryCommand : PSCmdlet
{
    /// <summary>Directory that receives ca.crt, ca.key and registry.db.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The network's IPv6 prefix, e.g. 2001:db8:42::/48.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Network { get; set; } = "";

    /// <summary>Replace an existing network in the directory.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var directory = GetUnresolvedProviderPathFromPSPath(Path);
        if (!NetworkPrefix.TryParse(Network, out var prefix, out var problem))
            ThrowTerminatingError(ErrorRecords.For(new ArgumentException(problem), "NewVifibRegistryInvalidNetwork", ErrorCategory.InvalidArgument, Network));
        try { NetworkCreator.CheckNetwork(prefix); }
        catch (ArgumentException e) { ThrowTerminatingError(ErrorRecords.For(e, "NewVifibRegistryInvalidNetwork", ErrorCategory.InvalidArgument, Network)); }
        if (!ShouldProcess(directory, $"Create network {prefix} (ca.crt, ca.key, registry.db)"))
            return;
        try
        {
            WriteObject(NetworkCreator.Create(directory, prefix, Force));
        }
        catch (NetworkExistsException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "NewVifibRegistryNetworkExists", ErrorCategory.ResourceExists, directory));
        }
        catch (Exception e) when (e is RegistryDbUnavailableException or CertificateException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "NewVifibRegistryWriteFailed", ErrorCategory.WriteError, directory));
        }
    }
}
