namespace Vifibnet.Certificates;

/// <summary>A CA, key, CSR or certificate that is missing, unreadable or not what it must be.</summary>
public sealed class CertificateException(string message, Exception? inner = null) : Exception(message, inner);
