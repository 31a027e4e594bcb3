using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>A node's network prefix, node prefix, subnet and overlay address, read from ca.pem and cert.crt in -Path.</summary>
[Cmdlet(VerbsCommon.Get, "VifibNodeIdentity")]
[OutputType(typeof(NodeIdentity))]
public sealed class GetVifibNodeIdentityCommand : PSCmdlet
{
    /// <summary>The node's directory (where Register-VifibNode wrote its files); default: the current location.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Directory")]
    public string Path { get; set; } = ".";

    protected override void ProcessRecord()
    {
        var directory = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            WriteObject(new NodeFiles(directory).ReadIdentity());
        }
        catch (CertificateException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "GetVifibNodeIdentityUnreadable", ErrorCategory.ReadError, directory));
        }
    }
}
