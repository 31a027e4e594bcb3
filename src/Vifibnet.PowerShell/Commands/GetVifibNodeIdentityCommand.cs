using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>A node's network, node prefix, subnet and overlay address, read from ca.pem and cert.crt.</summary>
/// <remarks>
/// <para>Reads the files Register-VifibNode wrote; the node need not run. The certificate must have been issued by the CA in the same directory.</para>
/// </remarks>
/// <example><code>Get-VifibNodeIdentity -Path /var/lib/vifibnet</code><para>Who this machine is on its network.</para></example>
/// <example><code>Get-ChildItem ./nodes -Directory | Get-VifibNodeIdentity | Select-Object Prefix, OverlayAddress</code><para>The identity of every node directory under ./nodes.</para></example>
[Cmdlet(VerbsCommon.Get, "VifibNodeIdentity")]
[OutputType(typeof(VifibNodeIdentity))]
public sealed class GetVifibNodeIdentityCommand : VifibCmdlet
{
    /// <summary>The node's directory (where Register-VifibNode wrote its files); default: the current location.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = ".";

    protected override void ProcessRecord()
    {
        var directory = FileSystemPath(Path);
        try
        {
            WriteObject(VifibNodeIdentity.From(new NodeFiles(directory).ReadIdentity(), directory));
        }
        catch (CertificateException e)
        {
            WriteFailure(e, directory, "Unreadable");
        }
    }
}
