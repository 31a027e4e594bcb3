namespace Vifibnet.Tests.Support;

/// <summary>Where <see cref="TestCertificates.Write"/> put a node's PEM files.</summary>
public sealed record CertificateFiles(string Ca, string Cert, string Key);
