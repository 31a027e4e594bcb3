using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Protocol;

/// <summary>
/// The registry over TLS (https:// registry URLs): the server certificate must chain to the network's own
/// CA, be valid for server authentication, and be the registry's: CN <see cref="ServerCommonName"/>, a
/// name the registry never puts in a node certificate (their CN is always the node prefix), so a member
/// node's own certificate, from the same CA, is refused. Host names are not matched: the network's CA is
/// private to it, and its registry certificate names the registry, not a host (nodes reach it by IPv4,
/// IPv6 or any name). Setup's first contact, which only fetches the CA, records the certificate it was
/// shown (<see cref="FirstContact"/>) and checks it once it knows the CA, before anything secret is sent.
/// </summary>
public sealed class RegistryTls
{
    /// <summary>The CN of a registry's TLS certificate.</summary>
    public const string ServerCommonName = "vifibnet registry";

    readonly X509Certificate2? ca;

    /// <summary>Why the last server certificate was refused, for the error a caller shows.</summary>
    public string? LastRefusal { get; private set; }

    /// <summary>The last server certificate shown (a first contact keeps it to check it later).</summary>
    public X509Certificate2? LastPresented { get; private set; }

    /// <summary>Accepts only the registry of the network whose CA certificate this is (a node's ca.pem).</summary>
    public RegistryTls(X509Certificate2 ca) => this.ca = ca;

    RegistryTls() { }

    /// <summary>
    /// Accepts any server certificate and keeps it in <see cref="LastPresented"/>: only for GET /v1/ca, whose
    /// answer is checked against the pinned fingerprint, and then the certificate against that CA with <see cref="Refusal"/>.
    /// </summary>
    public static RegistryTls FirstContact() => new();

    /// <summary>An HttpClient whose https connections are checked as above.</summary>
    public HttpClient CreateHttpClient(TimeSpan timeout) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Accept(certificate, errors) },
    })
    { Timeout = timeout };

    bool Accept(X509Certificate? presented, SslPolicyErrors errors)
    {
        LastPresented = presented is null ? null : new X509Certificate2(presented);
        if (ca is null) return LastPresented is not null;
        LastRefusal = LastPresented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)
            ? "the registry sent no TLS certificate"
            : Refusal(LastPresented, ca);
        return LastRefusal is null;
    }

    /// <summary>Null when <paramref name="server"/> is the registry certificate of the network of <paramref name="networkCa"/>; else why not.</summary>
    public static string? Refusal(X509Certificate2 server, X509Certificate2 networkCa)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(networkCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // server authentication
        if (!chain.Build(server))
            return $"the registry's TLS certificate ('{server.Subject}', issuer '{server.Issuer}') is not from this network's CA ({networkCa.Subject}, {Fingerprint(networkCa)}): " +
                   string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        var commonName = server.GetNameInfo(X509NameType.SimpleName, false);
        if (commonName != ServerCommonName)
            return $"the TLS certificate is from this network's CA but is not the registry's (CN '{commonName}', not '{ServerCommonName}'): a node's certificate cannot stand in for the registry";
        return null;
    }

    static string Fingerprint(X509Certificate2 certificate) => "sha256:" + Convert.ToHexString(SHA256.HashData(certificate.RawData)).ToLowerInvariant();
}
