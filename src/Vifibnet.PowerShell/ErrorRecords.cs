using System.Management.Automation;

namespace Vifibnet.PowerShell;

/// <summary>Builds the terminating ErrorRecords of the cmdlets: stable ids ("CmdletNameProblem"), a fitting category.</summary>
static class ErrorRecords
{
    public static ErrorRecord For(Exception exception, string errorId, ErrorCategory category, object? target = null) =>
        new(exception, errorId, category, target) { ErrorDetails = new ErrorDetails(exception.Message) };
}
