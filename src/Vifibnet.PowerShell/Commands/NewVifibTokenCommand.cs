using System.Management.Automation;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Creates a registration token in a registry DB, without e-mail (scripted provisioning).</summary>
/// <remarks>
/// <para>The token is single-use, holds 160 random bits and expires after a day. Give it to Register-VifibNode -Token (it binds from the pipeline). The registry need not run: the token is written into its DB.</para>
/// </remarks>
/// <example><code>New-VifibToken -DatabasePath ./net/registry.db -Email ops@example.com</code><para>Makes a token recorded for ops@example.com.</para></example>
/// <example><code>New-VifibRegistry ./net 2001:db8:42::/48 | New-VifibToken</code><para>Makes a token in the network just created.</para></example>
[Cmdlet(VerbsCommon.New, "VifibToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VifibToken))]
public sealed class NewVifibTokenCommand : VifibCmdlet
{
    /// <summary>The registry DB (registry.db, made by New-VifibRegistry).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DatabasePath { get; set; } = "";

    /// <summary>The e-mail address the token is meant for (recorded with the certificate).</summary>
    [Parameter]
    public string? Email { get; set; }

    protected override void ProcessRecord()
    {
        var db = FileSystemPath(DatabasePath);
        if (!ShouldProcess(db, "Add a registration token")) return;
        try
        {
            WriteObject(VifibToken.From(AdminTokens.Create(db, Email)));
        }
        catch (RequestRefusedException e)
        {
            ThrowFailure(e, Email, "InvalidEmail");
        }
        catch (RegistryDbUnavailableException e)
        {
            WriteFailure(e, db);
        }
    }
}
