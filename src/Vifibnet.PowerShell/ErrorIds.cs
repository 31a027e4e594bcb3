using System.Management.Automation;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Node;
using Vifibnet.Peers;
using Vifibnet.Processes;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Setup;

namespace Vifibnet.PowerShell;

/// <summary>
/// The one place Core's failures become ErrorRecords: the id is the cmdlet's name and the problem
/// ("StartVifibNodeCertificateInvalid"), stable and tested; the category lets -ErrorAction and
/// scripts tell an unreachable registry from a bad argument.
/// </summary>
static class ErrorIds
{
    /// <summary>"StartVifibNode" + problem, from the cmdlet's class name.</summary>
    public static string Id(Cmdlet cmdlet, string problem) => CmdletName(cmdlet.GetType()) + problem;

    public static string CmdletName(Type cmdletType) =>
        cmdletType.Name.EndsWith("Command", StringComparison.Ordinal) ? cmdletType.Name[..^"Command".Length] : cmdletType.Name;

    public static ErrorRecord Record(Cmdlet cmdlet, Exception e, object? target, string? problem = null) =>
        Record(CmdletName(cmdlet.GetType()), e, target, problem);

    public static ErrorRecord Record(string cmdletName, Exception e, object? target, string? problem = null)
    {
        var (kind, category) = Classify(e);
        return new ErrorRecord(e, cmdletName + (problem ?? kind), category, target) { ErrorDetails = new ErrorDetails(e.Message) };
    }

    /// <summary>The problem name and category of each of Core's named failures.</summary>
    public static (string Problem, ErrorCategory Category) Classify(Exception e) => e switch
    {
        SetupException s => (s.Kind.ToString(), SetupCategory(s.Kind)),
        NodeNotRunningException => ("NodeNotRunning", ErrorCategory.ObjectNotFound),
        NodeDaemonException n => (n.Kind.ToString(), NodeCategory(n.Kind)),
        NodeOptionException => ("InvalidOption", ErrorCategory.InvalidArgument),
        CertificateException => ("CertificateInvalid", ErrorCategory.SecurityError),
        ToolNotFoundException => ("ProgramMissing", ErrorCategory.ObjectNotFound),
        ChildProcessException => ("Exited", ErrorCategory.InvalidResult),
        CommandFailedException => ("CannotStart", ErrorCategory.ResourceUnavailable),
        RegistryCallException => ("RegistryFailed", ErrorCategory.ConnectionError),
        PeerDbException => ("PeerDbFailed", ErrorCategory.WriteError),
        NetworkExistsException => ("NetworkExists", ErrorCategory.ResourceExists),
        RegistryDbUnavailableException => ("DbUnavailable", ErrorCategory.ObjectNotFound),
        RequestRefusedException => ("Refused", ErrorCategory.InvalidArgument),
        RevocationException r => (r.Problem.ToString(), r.Problem == RevocationProblem.AlreadyRevoked ? ErrorCategory.ResourceExists
            : r.Problem == RevocationProblem.UnknownNode ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument),
        RenewalException => ("RenewalRefused", ErrorCategory.SecurityError),
        OperationCanceledException => ("Cancelled", ErrorCategory.OperationStopped),
        UnauthorizedAccessException => ("PermissionDenied", ErrorCategory.PermissionDenied),
        IOException => ("IOFailed", ErrorCategory.WriteError),
        ArgumentException => ("InvalidArgument", ErrorCategory.InvalidArgument),
        _ => ("Failed", ErrorCategory.NotSpecified),
    };

    static ErrorCategory NodeCategory(NodeErrorKind kind) => kind switch
    {
        NodeErrorKind.AlreadyRunning => ErrorCategory.ResourceExists,
        NodeErrorKind.InvalidOption => ErrorCategory.InvalidArgument,
        NodeErrorKind.NotSetUp or NodeErrorKind.NoRegistry => ErrorCategory.ObjectNotFound,
        NodeErrorKind.NotReady => ErrorCategory.ResourceBusy,
        _ => ErrorCategory.InvalidResult,
    };

    static ErrorCategory SetupCategory(SetupErrorKind kind) => kind switch
    {
        SetupErrorKind.RegistryUnreachable => ErrorCategory.ConnectionError,
        SetupErrorKind.RegistryRefused => ErrorCategory.InvalidResult,
        SetupErrorKind.TokenRejected => ErrorCategory.AuthenticationError,
        SetupErrorKind.TokenMissing => ErrorCategory.InvalidArgument,
        SetupErrorKind.InvalidCa => ErrorCategory.InvalidData,
        SetupErrorKind.CertificateMismatch or SetupErrorKind.CaFingerprintMismatch => ErrorCategory.SecurityError,
        SetupErrorKind.CaChanged => ErrorCategory.ResourceExists,
        SetupErrorKind.DirectoryNotWritable => ErrorCategory.PermissionDenied,
        SetupErrorKind.NoBootstrapPeer => ErrorCategory.ObjectNotFound,
        SetupErrorKind.InvalidAttribute or SetupErrorKind.InvalidOption => ErrorCategory.InvalidArgument,
        SetupErrorKind.Cancelled => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };
}
