using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;

namespace Vifibnet.Setup;

/// <summary>
/// cert.key and cert.crt: reuse what is valid (a readable RSA key of 2048 bits or more; a certificate
/// of this CA, current, for that key), otherwise make a key and spend a token on a certificate,
/// checking that what the registry returns is for our key and from its CA before writing anything.
/// </summary>
static class NodeCredentials
{
    const int KeyBits = 2048;

    /// <summary>The key and certificate already in the directory, when both are valid for this CA.</summary>
    public static KeyAndCertificate? Existing(X509Certificate2 ca, NodeFiles files)
    {
        var key = ReadKey(files, out _);
        if (key is null) return null;
        var cert = ReadCertificate(ca, files, key, out _);
        if (cert is null) { key.Dispose(); return null; }
        return new KeyAndCertificate(key, cert);
    }

    public static async Task<KeyAndCertificate> ObtainAsync(HttpRegistryClient client, X509Certificate2 ca, NodeFiles files,
        X500DistinguishedName subject, SetupOptions options, ISetupPrompt? prompt, List<string> actions, Logger log, CancellationToken cancel)
    {
        var key = ReadKey(files, out var keyProblem);
        var newKey = key is null;
        if (key is not null)
            Report(actions, log, PemFile.RestrictToOwner(files.Key) is { } was
                ? $"cert.key: kept (valid RSA {key.KeySize} key); it was readable by others (mode {Convert.ToString((int)was, 8)}): now 0600"
                : $"cert.key: kept (valid RSA {key.KeySize} key)");
        key ??= RSA.Create(KeyBits);

        var cert = newKey ? null : ReadCertificate(ca, files, key, out var certProblem);
        if (cert is not null)
        {
            Report(actions, log, $"cert.crt: kept (valid until {cert.NotAfter.ToUniversalTime():yyyy-MM-dd})");
            return new KeyAndCertificate(key, cert);
        }

        try
        {
            var csr = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
            var pem = await TokenExchange.RequestCertificateAsync(client, csr, options, prompt, log, cancel).ConfigureAwait(false);
            cert = CheckIssued(pem, ca, key, client.BaseUri);
            if (newKey)
            {
                if (File.Exists(files.Key)) File.Move(files.Key, files.Key + ".bak", overwrite: true);
                AtomicFile.Write(files.Key, temp => PemFile.WritePrivateKey(temp, key));
                Report(actions, log, keyProblem is null ? $"cert.key: generated (RSA {KeyBits})" : $"cert.key: generated (RSA {KeyBits}); the old one ({keyProblem}) moved to cert.key.bak");
            }
            if (File.Exists(files.Cert)) File.Move(files.Cert, files.Cert + ".bak", overwrite: true);
            AtomicFile.WriteText(files.Cert, pem.TrimEnd() + "\n");
            Report(actions, log, $"cert.crt: issued by the registry for {cert.GetNameInfo(X509NameType.SimpleName, false)}, valid until {cert.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            return new KeyAndCertificate(key, cert);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    static void Report(List<string> actions, Logger log, string action)
    {
        actions.Add(action);
        log.Info(action);
    }

    static RSA? ReadKey(NodeFiles files, out string? problem)
    {
        problem = null;
        if (!File.Exists(files.Key)) return null;
        try
        {
            var key = PemFile.ReadPrivateKey(files.Key, "node key");
            if (key.KeySize >= KeyBits) return key;
            problem = $"RSA {key.KeySize}, too short";
            key.Dispose();
        }
        catch (CertificateException e)
        {
            problem = e.Message;
        }
        return null;
    }

    static X509Certificate2? ReadCertificate(X509Certificate2 ca, NodeFiles files, RSA key, out string? problem)
    {
        problem = null;
        if (!File.Exists(files.Cert)) return null;
        X509Certificate2 cert;
        try { cert = PemFile.ReadCertificate(files.Cert, "node certificate"); }
        catch (CertificateException e) { problem = e.Message; return null; }
        problem = !CertificateChecks.IsIssuedBy(cert, ca) ? "not issued by this network's CA"
            : !CertificateChecks.IsCurrent(cert, DateTimeOffset.UtcNow) ? "expired"
            : !CertificateChecks.MatchesKey(cert, key) ? "not for cert.key"
            : null;
        if (problem is null) return cert;
        cert.Dispose();
        return null;
    }

    /// <summary>Refuses a certificate that is not for our key or not from the registry's CA.</summary>
    static X509Certificate2 CheckIssued(string pem, X509Certificate2 ca, RSA key, Uri registry)
    {
        X509Certificate2 cert;
        try { cert = X509Certificate2.CreateFromPem(pem); }
        catch (CryptographicException e)
        {
            throw new SetupException(SetupErrorKind.CertificateMismatch, $"registry {registry} returned a certificate that does not parse: {e.Message}", e);
        }
        var problem = !CertificateChecks.MatchesKey(cert, key) ? "is not for our key (cert.key)"
            : !CertificateChecks.IsIssuedBy(cert, ca) ? "was not issued by the network's CA (ca.pem)"
            : null;
        if (problem is null) return cert;
        cert.Dispose();
        throw new SetupException(SetupErrorKind.CertificateMismatch, $"registry {registry} returned a certificate that {problem}: refused, nothing written");
    }
}
