using System.Management.Automation;
using Vifibnet.Registry;

namespace Vifibnet.PowerShell;

/// <summary>Creates a registration token in a registry DB, without e-mail (scripted provisioning).</summary>
[Cmdlet(VerbsCommon.New, "VifibToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AdminToken))]
public sealed class NewVifibTokenCommand : PSCmdlet
{
    /// <summary>The registry DB (registry.db made by New-VifibRegistry).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Db { get; set; } = "";

    /// <summary>The e-mail address the token is meant for (recorded with the certificate).</summary>
    [Parameter]
    public string? Email { get; set; }

    protected override void ProcessRecord()
    {
        var db = GetUnresolvedProviderPathFromPSPath(Db);
        if (!ShouldProcess(db, "Add a registration token"))
            return;
        try
        {
            WriteObject(AdminTokens.Create(db, Email));
        }
        catch (RequestRefusedException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "NewVifibTokenInvalidEmail", ErrorCategory.InvalidArgument, Email));
        }
        catch (RegistryDbUnavailableException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, "NewVifibTokenDbUnavailable", ErrorCategory.ObjectNotFound, db));
        }
    }
}
