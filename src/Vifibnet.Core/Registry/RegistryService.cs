using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>
/// What the registry does, with no HTTP in sight: each request in, a result or a <see cref="RequestRefusedException"/>
/// out. Everything a request changes is changed in one transaction, after every check has passed,
/// so a refused request leaves the DB as it was. Thread-safe.
/// </summary>
public sealed partial class RegistryService
{
    readonly RegistryDb db;
    readonly CertificateAuthority ca;
    readonly TokenMailer? mailer;
    readonly Logger log;
    readonly TimeProvider clock;
    readonly NodeAuthenticator authenticator;
    readonly TokenMailLimiter mailLimiter;
    readonly string caPem;

    public RegistryOptions Options { get; }
    public NetworkPrefix Network => ca.Network;

    public RegistryService(RegistryOptions options, RegistryDb db, CertificateAuthority ca, Logger log, TimeProvider? clock = null)
    {
        if (ca.Network.Length + options.PrefixLength > 127)
            throw new ArgumentException($"node prefixes of {options.PrefixLength} bits under {ca.Network} leave no room for a host part");
        options.Validate();
        Options = options;
        this.db = db;
        this.ca = ca;
        this.log = log;
        this.clock = clock ?? TimeProvider.System;
        mailer = options.MailHost is null ? null : new TokenMailer(options.MailHost);
        authenticator = new NodeAuthenticator(ca.Certificate, options.SignatureWindow, this.clock);
        mailLimiter = new TokenMailLimiter(options.TokenMailsPerAddress, options.TokenMailsPerClient, options.TokenMailWindow, this.clock);
        caPem = ca.Certificate.ExportCertificatePem() + "\n";
        renewalAuthenticator = new NodeAuthenticator(ca.Certificate, options.SignatureWindow, this.clock) { ExpiredGrace = options.RenewalGrace };
    }

    public CaResponse GetCa() => new(caPem, ca.Network.ToString());

    /// <summary>
    /// E-mails a fresh token to an address, within the per-address and per-client limits (<paramref name="client"/>:
    /// who asks). The token is stored only once the mail host took the mail; expired tokens go at the same time.
    /// </summary>
    public async Task<TokenResponse> RequestTokenAsync(TokenRequest request, System.Net.IPAddress? client, CancellationToken cancel)
    {
        var email = TokenStore.ValidEmail(request.Email);
        if (mailer is null)
            throw new RequestRefusedException(RegistryErrorCode.MailNotConfigured,
                "this registry sends no mail (started without --mailhost): ask its administrator for a token (vifibnet token / New-VifibToken)");
        mailLimiter.Take(email, client);
        var token = TokenStore.NewToken();
        var now = clock.GetUtcNow();
        var expires = now + Options.TokenLifetime;
        await mailer.SendTokenAsync(email, token, ca.Network.ToString(), cancel).ConfigureAwait(false);
        db.Write((c, t) =>
        {
            TokenStore.PurgeExpired(c, t, now);
            TokenStore.Add(c, t, token, email, now, expires);
        });
        log.Info($"token mailed to {email} through {mailer.MailHost}");
        return new TokenResponse(email, expires);
    }

    /// <summary>
    /// Spends a token on a certificate: allocate a prefix, sign the CSR with CN = prefix, record it — one
    /// transaction. A retry of a request whose answer was lost (same token, same public key) gets the
    /// certificate recorded the first time; the same token with another key is still token_spent.
    /// </summary>
    public CertificateResponse IssueCertificate(CertificateRequestMessage request)
    {
        if (!TokenStore.LooksValid(request.Token))
            throw new RequestRefusedException(RegistryErrorCode.TokenUnknown, "the token is missing or contains characters no token has");
        var csr = ParseCsr(request.Csr);
        var serial = RandomSerial();
        FreeExpiredIfDue();
        var (prefix, pem) = db.Write((c, t) =>
        {
            if (TokenStore.IssuedFor(c, t, request.Token) is { } earlier
                && PrefixAllocator.RecordedCertificate(c, earlier, t) is { } recorded && SameKey(recorded, csr))
            {
                log.Info($"certificate for {earlier.ToCommonName()} sent again: a retry with the token and key it was issued for");
                return (earlier, recorded);
            }
            var now = clock.GetUtcNow();
            var email = TokenStore.Spend(c, t, request.Token, now);
            var prefix = PrefixAllocator.Allocate(c, t, Options.PrefixLength);
            TokenStore.RecordIssued(c, t, request.Token, prefix);
            using var cert = ca.Issue(csr, prefix, serial, Options.CertificateValidity);
            var pem = cert.ExportCertificatePem() + "\n";
            PrefixAllocator.RecordCertificate(c, t, prefix, email, pem, now);
            return (prefix, pem);
        });
        var subnet = OverlayAddress.Subnet(ca.Network, prefix);
        log.Info($"issued certificate for {prefix.ToCommonName()} ({subnet})");
        return new CertificateResponse(pem, prefix.ToBinary(), subnet.ToString());
    }

    /// <summary>
    /// A signed request from a node whose certificate is the one recorded for its prefix: a certificate
    /// the CA signed but the registry no longer holds (row deleted, prefix re-issued) is refused.
    /// </summary>
    public AuthenticatedNode Authenticate(string method, string pathAndQuery, string? certificate, string? timestamp, string? nonce, string? signature, ReadOnlySpan<byte> body)
    {
        var node = authenticator.Authenticate(method, pathAndQuery, certificate, timestamp, nonce, signature, body);
        var (recorded, revoked) = db.Read(c => (PrefixAllocator.RecordedCertificate(c, node.Prefix), CertificateLifecycle.IsRevoked(c, node.Certificate.SerialNumber)));
        if (revoked) throw Revoked(node);
        if (recorded is null || !RecordedMatches(recorded, node.Certificate))
            throw new RequestRefusedException(RegistryErrorCode.CertificateUnknown,
                $"certificate {node.Prefix.ToCommonName()} (serial {node.Certificate.SerialNumber}) is not one this registry has on record: it was revoked or replaced; register again");
        return node;
    }

    static bool SameKey(string recordedPem, CertificateRequest csr)
    {
        try
        {
            using var recorded = X509Certificate2.CreateFromPem(recordedPem);
            return recorded.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(csr.PublicKey.ExportSubjectPublicKeyInfo());
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    static bool RecordedMatches(string pem, X509Certificate2 presented)
    {
        try
        {
            using var recorded = X509Certificate2.CreateFromPem(pem);
            return recorded.RawData.AsSpan().SequenceEqual(presented.RawData);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public PrivateAddressResponse GetPrivateAddress(AuthenticatedNode node) => new(Options.PrivateAddress?.ToString());

    /// <summary>A --bootstrap entry or a random declared peer (never the node itself), sealed to the node's key.</summary>
    public BootstrapResponse GetBootstrapPeer(AuthenticatedNode node)
    {
        var self = node.Prefix.ToBinary();
        var candidates = Options.BootstrapPeers.Where(p => p.Prefix != self).ToList();
        PeerEntry? peer = candidates.Count > 0
            ? candidates[RandomNumberGenerator.GetInt32(candidates.Count)]
            : db.Read(c => PeerTable.PickRandom(c, 1, self, clock.GetUtcNow() - Options.PeerTimeout)).FirstOrDefault();
        if (peer is null)
            throw new RequestRefusedException(RegistryErrorCode.NoPeers, "the registry knows no peer to bootstrap from yet (no --bootstrap entry and no node has declared itself)");
        using var key = node.Certificate.GetRSAPublicKey()!;
        return new BootstrapResponse(SealedBox.Seal(key, JsonSerializer.SerializeToUtf8Bytes(peer, RegistryJson.Options)));
    }

    /// <summary>Records where the node's openvpn servers are; the prefix is the certificate's, never the caller's say.</summary>
    public DeclareResponse Declare(AuthenticatedNode node, DeclareRequest request)
    {
        IReadOnlyList<PeerAddress> addresses;
        try { addresses = PeerAddress.ParseList(request.Address ?? ""); }
        catch (AddressingException e) { throw new RequestRefusedException(RegistryErrorCode.InvalidAddress, e.Message, e); }
        if (addresses.Count == 0)
            throw new RequestRefusedException(RegistryErrorCode.InvalidAddress, "the address list is empty: expected ip,port,proto;...");
        if (addresses.Count > 32)
            throw new RequestRefusedException(RegistryErrorCode.InvalidAddress, $"{addresses.Count} addresses declared: at most 32");
        try { UnderlayAddress.CheckAll(addresses, ca.Network); }
        catch (UnderlayAddressException e) { throw new RequestRefusedException(RegistryErrorCode.InvalidAddress, $"{e.Message} ({e.Refusal})", e); }
        var address = PeerAddress.FormatList(addresses);
        var prefix = node.Prefix.ToBinary();
        db.Write((c, t) =>
        {
            var now = clock.GetUtcNow();
            PeerTable.Expire(c, t, now - Options.PeerTimeout);
            PeerTable.Declare(c, t, prefix, address, now);
        });
        log.Debug($"{node.Prefix.ToCommonName()} declared {address}");
        return new DeclareResponse(prefix, address);
    }

    public PeerListResponse GetPeerList(AuthenticatedNode node, int n)
    {
        if (n < 1)
            throw new RequestRefusedException(RegistryErrorCode.BadRequest, $"n={n}: ask for at least one peer");
        n = Math.Min(n, Options.MaxPeerList);
        var peers = db.Read(c => PeerTable.PickRandom(c, n, node.Prefix.ToBinary(), clock.GetUtcNow() - Options.PeerTimeout));
        return new PeerListResponse(peers);
    }

    /// <summary>The largest RSA key the registry signs.</summary>
    public const int MaxKeyBits = 4096;

    static CertificateRequest ParseCsr(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
            throw new RequestRefusedException(RegistryErrorCode.InvalidCsr, "the certificate request (csr) is missing");
        CertificateRequest csr;
        try
        {
            // Verifies the CSR's self-signature: a request must prove it holds the key.
            csr = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException)
        {
            // NotSupportedException: a key or signature algorithm .NET cannot verify (Ed25519, DSA over SHA-3...).
            throw new RequestRefusedException(RegistryErrorCode.InvalidCsr, $"the certificate request does not parse or its signature is bad: {e.Message}", e);
        }
        if (csr.PublicKey.Oid.Value != "1.2.840.113549.1.1.1")
            throw new RequestRefusedException(RegistryErrorCode.InvalidCsr,
                $"the certificate request carries a key of type {csr.PublicKey.Oid.FriendlyName ?? csr.PublicKey.Oid.Value}: the network uses RSA keys of at least 2048 bits");
        using var key = csr.PublicKey.GetRSAPublicKey();
        if (key is null || key.KeySize < 2048 || key.KeySize > MaxKeyBits)
            throw new RequestRefusedException(RegistryErrorCode.InvalidCsr,
                $"the certificate request must carry an RSA key of 2048 to {MaxKeyBits} bits (it has {key?.KeySize ?? 0}): larger keys only cost every peer more per handshake");
        try { SubjectPolicy.Check(csr.SubjectName); }
        catch (CertificateException e) { throw new RequestRefusedException(RegistryErrorCode.InvalidCsr, $"the certificate request's subject is refused: {e.Message}", e); }
        return csr;
    }

    static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive, 16 bytes long
        return serial;
    }
}
