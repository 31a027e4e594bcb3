namespace Vifibnet.Setup;

/// <summary>Why setup stopped: stable names the cmdlet turns into error ids (RegisterVifibNode + kind).</summary>
public enum SetupErrorKind
{
    RegistryUnreachable,
    RegistryRefused,
    TokenRejected,
    TokenMissing,
    InvalidCa,
    /// <summary>The registry's CA is not the one --ca-fingerprint names.</summary>
    CaFingerprintMismatch,
    /// <summary>The directory belongs to another network's CA and --force was not given.</summary>
    CaChanged,
    CertificateMismatch,
    DirectoryNotWritable,
    NoBootstrapPeer,
    InvalidAttribute,
    InvalidOption,
    Cancelled,
}
