using System.Management.Automation;
using Vifibnet.Addressing;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Creates a network: a CA whose serial carries the network prefix, its key (0600) and a registry DB.</summary>
/// <remarks>
/// <para>Writes ca.crt, ca.key (readable by its owner only) and registry.db in -Path. The CA's serial number carries the network's IPv6 prefix, as the seed's networks do; the registry gives every node a sub-prefix of it inside an X.509 certificate.</para>
/// <para>An existing network is never replaced without -Force, and replacing one (which invalidates every certificate it issued) asks for confirmation unless -Confirm:$false is given.</para>
/// <para>The output pipes into New-VifibToken and Start-VifibRegistry, which bind its DatabasePath, CaPath and KeyPath.</para>
/// </remarks>
/// <example><code>New-VifibRegistry -Path ./net -Network 2001:db8:42::/48</code><para>Creates the network 2001:db8:42::/48 in ./net.</para></example>
/// <example><code>New-VifibRegistry ./net 2001:db8:42::/48 | Start-VifibRegistry -Port 8000 -AsJob</code><para>Creates a network and serves its registry on port 8000 in a background job.</para></example>
[Cmdlet(VerbsCommon.New, "VifibRegistry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VifibNetwork))]
public sealed class NewVifibRegistryCommand : VifibCmdlet
{
    /// <summary>Directory that receives ca.crt, ca.key and registry.db (created when missing).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The network's IPv6 prefix, e.g. 2001:db8:42::/48 (at most /112).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Network { get; set; } = "";

    /// <summary>Replace an existing network in the directory (every certificate it issued becomes useless); asks for confirmation unless -Confirm:$false.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var directory = FileSystemPath(Path);
        NetworkPrefix prefix;
        try
        {
            prefix = NetworkPrefix.Parse(Network);
            NetworkCreator.CheckNetwork(prefix);
        }
        catch (Exception e) when (e is AddressingException or ArgumentException)
        {
            ThrowFailure(e, Network, "InvalidNetwork");
            return;
        }
        var replacing = NetworkCreator.Files(directory).Any(File.Exists);
        if (!ShouldProcess(directory, replacing ? $"Replace the network in this directory by {prefix}" : $"Create network {prefix} (ca.crt, ca.key, registry.db)"))
            return;
        if (replacing && Force && !ConfirmedReplacement(directory, prefix)) return;
        try
        {
            WriteObject(VifibNetwork.From(NetworkCreator.Create(directory, prefix, Force), directory));
        }
        catch (NetworkExistsException e)
        {
            WriteFailure(e, directory);
        }
        catch (Exception e) when (e is RegistryDbUnavailableException or Certificates.CertificateException or IOException or UnauthorizedAccessException)
        {
            WriteFailure(e, directory, "WriteFailed");
        }
    }

    /// <summary>Replacing a CA strands every node of the network: ask, unless the caller said -Confirm:$false.</summary>
    bool ConfirmedReplacement(string directory, NetworkPrefix prefix)
    {
        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) && confirm is SwitchParameter { IsPresent: false }) return true;
        return ShouldContinue($"Replace the CA and registry DB in '{directory}' by a new network {prefix}? Every certificate the old CA issued stops working.",
            "Replace a Vifibnet network");
    }
}
