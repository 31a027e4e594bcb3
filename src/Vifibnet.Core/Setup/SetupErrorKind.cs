namespace Vifibnet.Setup;

/// <summary>Why setup stopped: stable names the cmdlet turns into error ids (RegisterVifibNode + kind).</summary>
public enum SetupErrorKind
{
    RegistryUnreachable,
    RegistryRefused,
    TokenRejected,
    TokenMissing,
    InvalidCa,
    CertificateMismatch,
    DirectoryNotWritable,
    NoBootstrapPeer,
    InvalidAttribute,
    InvalidOption,
    Cancelled,
}
