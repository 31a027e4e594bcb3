using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

// Renewal, revocation and the CRL (docs/lifecycle.md): kept apart from the issuing and peer paths.
public sealed partial class RegistryService
{
    readonly NodeAuthenticator renewalAuthenticator;
    readonly object crlGate = new();
    (long Number, DateTimeOffset Built, string Pem)? crlCache;
    long nextFreeCheck;

    /// <summary>How often a signed CRL is re-signed even when nothing changed (its thisUpdate stays fresh).</summary>
    public static readonly TimeSpan CrlResign = TimeSpan.FromHours(1);

    /// <summary>
    /// Authenticates a renewal: as <see cref="Authenticate"/>, but a certificate expired less than
    /// <see cref="RegistryOptions.RenewalGrace"/> ago still counts.
    /// </summary>
    public AuthenticatedNode AuthenticateForRenewal(string method, string pathAndQuery, string? certificate, string? timestamp, string? nonce, string? signature, ReadOnlySpan<byte> body)
    {
        AuthenticatedNode node;
        try
        {
            node = renewalAuthenticator.Authenticate(method, pathAndQuery, certificate, timestamp, nonce, signature, body);
        }
        catch (RequestRefusedException e) when (e.Code == RegistryErrorCode.CertificateExpired)
        {
            throw new RequestRefusedException(RegistryErrorCode.CertificateExpired,
                $"{e.Message}; it expired more than the renewal grace period ({Options.RenewalGrace.TotalDays:0.##} days) ago, so it cannot be renewed: register again with a token", e);
        }
        var (recorded, revoked) = db.Read(c => (PrefixAllocator.RecordedCertificate(c, node.Prefix), CertificateLifecycle.IsRevoked(c, node.Certificate.SerialNumber)));
        if (revoked) throw Revoked(node);
        if (recorded is null || !RecordedMatches(recorded, node.Certificate))
            throw new RequestRefusedException(RegistryErrorCode.CertificateUnknown,
                $"certificate {node.Prefix.ToCommonName()} (serial {node.Certificate.SerialNumber}) is not the one this registry has on record for its prefix (renewed already, or replaced): renew with the newest certificate");
        return node;
    }

    static RequestRefusedException Revoked(AuthenticatedNode node) =>
        new(RegistryErrorCode.CertificateRevoked,
            $"certificate {node.Prefix.ToCommonName()} (serial {node.Certificate.SerialNumber}) was revoked by the network's administrator: this node is no longer a member");

    /// <summary>Renewals whose replaced certificates are all still valid: one more is refused (RateLimited).</summary>
    public const int MaxLiveRenewals = 16;

    /// <summary>
    /// A new certificate for the same prefix, for the CSR in <paramref name="request"/> (the node's key, or a new
    /// one), valid <see cref="RegistryOptions.CertificateValidity"/> from now; the one it replaces stays valid
    /// until it expires (the node restarts its tunnels on the new one), and is revoked along with it if the node is.
    /// </summary>
    public CertificateResponse RenewCertificate(AuthenticatedNode node, RenewRequest request)
    {
        var csr = ParseCsr(request.Csr);
        var serial = RandomSerial();
        var pem = db.Write((c, t) =>
        {
            // Checked again inside the write: a revocation or another renewal may have come in between.
            var recorded = PrefixAllocator.RecordedCertificate(c, node.Prefix, t);
            if (CertificateLifecycle.IsRevoked(c, node.Certificate.SerialNumber, t)) throw Revoked(node);
            if (recorded is null || !RecordedMatches(recorded, node.Certificate))
                throw new RequestRefusedException(RegistryErrorCode.CertificateUnknown,
                    $"certificate {node.Prefix.ToCommonName()} was renewed or replaced meanwhile: renew with the newest certificate");
            var now = clock.GetUtcNow();
            // A node renews about once per certificate life: a member renewing in a loop would fill the DB with
            // replaced certificates that must be kept (and revoked with it) until they expire.
            var (live, firstExpiry) = CertificateLifecycle.LiveSuperseded(c, t, node.Prefix, now);
            if (live >= MaxLiveRenewals)
                throw new RequestRefusedException(RegistryErrorCode.RateLimited,
                    $"certificate {node.Prefix.ToCommonName()} was renewed {live} times within the life of the certificates it replaced " +
                    $"(at most {MaxLiveRenewals}): renew again after {firstExpiry:u}, when the first of them expires");
            using var cert = ca.Issue(csr, node.Prefix, serial, Options.CertificateValidity);
            var pem = cert.ExportCertificatePem() + "\n";
            CertificateLifecycle.RecordRenewal(c, t, node.Prefix, node.Certificate, pem, new DateTimeOffset(cert.NotAfter.ToUniversalTime()), now);
            return pem;
        });
        var subnet = OverlayAddress.Subnet(ca.Network, node.Prefix);
        log.Info($"renewed certificate for {node.Prefix.ToCommonName()} (serial {node.Certificate.SerialNumber} replaced)");
        return new CertificateResponse(pem, node.Prefix.ToBinary(), subnet.ToString());
    }

    /// <summary>The CRL, PEM, signed by the CA: re-signed when a revocation changed it or every <see cref="CrlResign"/>.</summary>
    public string GetCrlPem()
    {
        var (number, revoked) = db.Read(c => (CertificateLifecycle.CrlNumber(c), CertificateLifecycle.Revoked(c)));
        var now = clock.GetUtcNow();
        lock (crlGate)
        {
            if (crlCache is { } cached && cached.Number == number && now - cached.Built < CrlResign) return cached.Pem;
            // thisUpdate a minute back: a node whose clock is a little behind still takes it.
            var pem = RevocationList.Build(ca, revoked.Select(r => r.Entry), new BigInteger(number), now.AddMinutes(-1), now + Options.CrlValidity);
            crlCache = (number, now, pem);
            return pem;
        }
    }

    /// <summary>The CRL with the revoked certificates themselves, so a node can tell which prefixes they were (GET /v1/revocations).</summary>
    public RevocationsResponse GetRevocations()
    {
        var crl = GetCrlPem();
        var certificates = db.Read(CertificateLifecycle.Revoked).Select(r => r.Pem).ToList();
        return new RevocationsResponse(crl, certificates);
    }

    /// <summary>At most once a minute: frees the prefixes of certificates expired beyond the grace period (before a prefix is allocated).</summary>
    void FreeExpiredIfDue()
    {
        var now = clock.GetUtcNow();
        var seconds = now.ToUnixTimeSeconds();
        var due = Interlocked.Read(ref nextFreeCheck);
        if (seconds < due || Interlocked.CompareExchange(ref nextFreeCheck, seconds + 60, due) != due) return;
        var freed = db.Write((c, t) => CertificateLifecycle.FreeExpired(c, t, now, Options.RenewalGrace));
        foreach (var prefix in freed)
            log.Info($"prefix {NodePrefix.ParseBinary(prefix).ToCommonName()} freed: its certificate expired more than {Options.RenewalGrace.TotalDays:0.##} days ago");
    }
}
