using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Microsoft.Data.Sqlite;
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
    readonly PeerPool peers;
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
        peers = new PeerPool(db, this.clock);
        // Prefixes reserved by a registry that stopped before recording their certificate, whose token can no longer retry.
        var released = db.Write((c, t) => PrefixAllocator.ReleaseAbandoned(c, t, this.clock.GetUtcNow()));
        if (released > 0) log.Info($"{released} prefix(es) reserved for a certificate never recorded (registry stopped mid-issue, token expired) are free again");
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
            PrefixAllocator.ReleaseAbandoned(c, t, now);
            TokenStore.PurgeExpired(c, t, now);
            TokenStore.Add(c, t, token, email, now, expires);
        });
        log.Info($"token mailed to {email} through {mailer.MailHost}");
        return new TokenResponse(email, expires);
    }

    /// <summary>
    /// Spends a token on a certificate in three steps, so that certificates are signed in parallel and the
    /// DB's write lock is held only for the bookkeeping: (1) one transaction spends the token and reserves a
    /// prefix for it; (2) the certificate is signed outside any lock; (3) one transaction records it, and only
    /// then is it sent. A retry of a request whose answer was lost (same token, same public key) gets the
    /// certificate recorded the first time; a retry after a crash between (1) and (3) is signed for the prefix
    /// reserved then. The same token with another key is token_spent: one certificate is ever recorded per token.
    /// </summary>
    public CertificateResponse IssueCertificate(CertificateRequestMessage request)
    {
        if (!TokenStore.LooksValid(request.Token))
            throw new RequestRefusedException(RegistryErrorCode.TokenUnknown, "the token is missing or contains characters no token has");
        var csr = ParseCsr(request.Csr);
        FreeExpiredIfDue();
        var reservation = db.Write((c, t) => Reserve(c, t, request.Token, csr));
        if (reservation.Recorded is { } earlier)
        {
            log.Info($"certificate for {reservation.Prefix.ToCommonName()} sent again: a retry with the token and key it was issued for");
            return Response(reservation.Prefix, earlier);
        }

        var pem = PemEncoding.WriteString("CERTIFICATE", ca.IssueDer(csr, reservation.Prefix, RandomSerial(), Options.CertificateValidity)) + "\n";

        var recorded = db.Write((c, t) =>
            PrefixAllocator.TryRecordCertificate(c, t, reservation.Prefix, reservation.Email, pem, clock.GetUtcNow())
                ? pem
                : PrefixAllocator.RecordedCertificate(c, reservation.Prefix, t));
        if (recorded != pem)
        {
            // Two requests with one token signed at once (a retry while the first was in flight): the first recorded wins.
            if (recorded is not null && SameKey(recorded, csr)) return Response(reservation.Prefix, recorded);
            throw new RequestRefusedException(RegistryErrorCode.TokenSpent, "the token was already used for a certificate: a token is good for one registration only");
        }
        // Per certificate: not at the default verbosity, where a busy registry would log thousands of lines a second.
        if (log.IsEnabled(LogLevel.Debug))
            log.Debug($"issued certificate for {reservation.Prefix.ToCommonName()} ({OverlayAddress.Subnet(ca.Network, reservation.Prefix)})");
        return Response(reservation.Prefix, pem);
    }

    CertificateResponse Response(NodePrefix prefix, string pem) =>
        new(pem, prefix.ToBinary(), OverlayAddress.Subnet(ca.Network, prefix).ToString());

    /// <summary>What step (1) of <see cref="IssueCertificate"/> left: the prefix to sign for, or the certificate a retry gets again.</summary>
    internal sealed record Reservation(NodePrefix Prefix, string? Email, string? Recorded);

    /// <summary>Step (1), inside the write transaction: a retry's earlier prefix, or the token spent and a fresh prefix reserved.</summary>
    internal Reservation Reserve(SqliteConnection c, SqliteTransaction t, string token, CertificateRequest csr)
    {
        var state = TokenStore.Find(c, t, token);
        if (state is { Spent: true, Prefix: { } spentOn })
        {
            var recorded = PrefixAllocator.RecordedCertificate(c, spentOn, t);
            if (recorded is not null && SameKey(recorded, csr))
                return new Reservation(spentOn, state.Email, recorded);
            // Reserved and never recorded: the registry stopped (or is still signing) before step (3).
            if (recorded is null && PrefixAllocator.IsReservedUnrecorded(c, t, spentOn))
                return new Reservation(spentOn, state.Email, null);
        }
        // The token is checked before a prefix is taken; both are undone together if anything throws.
        var now = clock.GetUtcNow();
        TokenStore.CheckSpendable(state, now);
        var prefix = PrefixAllocator.Allocate(c, t, Options.PrefixLength);
        TokenStore.SpendOn(c, t, token, state, prefix, now);
        return new Reservation(prefix, state!.Email, null);
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

    /// <summary>The recorded PEM holds the very certificate presented: its DER compared byte for byte, no X.509 parse per request.</summary>
    static bool RecordedMatches(string pem, X509Certificate2 presented)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan(fields.Label).SequenceEqual("CERTIFICATE")) return false;
        var der = presented.RawData;
        if (fields.DecodedDataLength != der.Length) return false;
        var recorded = der.Length <= 4096 ? stackalloc byte[der.Length] : new byte[der.Length];
        return Convert.TryFromBase64Chars(pem.AsSpan(fields.Base64Data), recorded, out var written)
               && recorded[..written].SequenceEqual(der);
    }

    public PrivateAddressResponse GetPrivateAddress(AuthenticatedNode node) => new(Options.PrivateAddress?.ToString());

    /// <summary>A --bootstrap entry or a random declared peer (never the node itself), sealed to the node's key.</summary>
    public BootstrapResponse GetBootstrapPeer(AuthenticatedNode node)
    {
        var self = node.Prefix.ToBinary();
        var candidates = Options.BootstrapPeers.Where(p => p.Prefix != self).ToList();
        PeerEntry? peer = candidates.Count > 0
            ? candidates[RandomNumberGenerator.GetInt32(candidates.Count)]
            : peers.PickRandom(1, self, clock.GetUtcNow() - Options.PeerTimeout).FirstOrDefault();
        if (peer is null)
            throw new RequestRefusedException(RegistryErrorCode.NoPeers, "the registry knows no peer to bootstrap from yet (no --bootstrap entry and no node has declared itself)");
        return new BootstrapResponse(SealedBox.Seal(node.PublicKey, JsonSerializer.SerializeToUtf8Bytes(peer, SourceGeneratedJson.Info<PeerEntry>(RegistryJson.Options))));
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
        var declared = db.Write((c, t) =>
        {
            var now = clock.GetUtcNow();
            PeerTable.Expire(c, t, now - Options.PeerTimeout);
            PeerTable.Declare(c, t, prefix, address, now);
            return now;
        });
        peers.Declared(prefix, address, declared);
        log.Debug($"{node.Prefix.ToCommonName()} declared {address}");
        return new DeclareResponse(prefix, address);
    }

    public PeerListResponse GetPeerList(AuthenticatedNode node, int n)
    {
        if (n < 1)
            throw new RequestRefusedException(RegistryErrorCode.BadRequest, $"n={n}: ask for at least one peer");
        n = Math.Min(n, Options.MaxPeerList);
        return new PeerListResponse(peers.PickRandom(n, node.Prefix.ToBinary(), clock.GetUtcNow() - Options.PeerTimeout));
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
            csr = SigningRequests.LoadVerifiedPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException)
        {
            // NotSupportedException: a key or signature algorithm .NET cannot verify (Ed25519, DSA over SHA-3...).
            throw new RequestRefusedException(RegistryErrorCode.InvalidCsr, $"the certificate request does not parse or its signature is bad: {e.Message}", e);
        }
        if (csr.PublicKey.Oid.Value != "1.2.840.113549.1.1.1")
            throw new RequestRefusedException(RegistryErrorCode.InvalidCsr,
                $"the certificate request carries a key of type {csr.PublicKey.Oid.FriendlyName ?? csr.PublicKey.Oid.Value}: the network uses RSA keys of at least 2048 bits");
        var bits = RsaModulusBits(csr.PublicKey);
        if (bits is < 2048 or > MaxKeyBits)
            throw new RequestRefusedException(RegistryErrorCode.InvalidCsr,
                $"the certificate request must carry an RSA key of 2048 to {MaxKeyBits} bits (it has {bits}): larger keys only cost every peer more per handshake");
        try { SubjectPolicy.Check(csr.SubjectName); }
        catch (CertificateException e) { throw new RequestRefusedException(RegistryErrorCode.InvalidCsr, $"the certificate request's subject is refused: {e.Message}", e); }
        return csr;
    }

    /// <summary>
    /// The RSA key's size, read from its DER (RSAPublicKey: modulus, exponent) rather than by importing the
    /// key into OpenSSL a second time (the CSR check already did once; an import costs ~100 µs). 0 when unreadable.
    /// </summary>
    static int RsaModulusBits(PublicKey key)
    {
        try
        {
            var sequence = new AsnReader(key.EncodedKeyValue.RawData, AsnEncodingRules.DER).ReadSequence();
            var modulus = sequence.ReadIntegerBytes().Span;
            var leadingZeros = 0;
            while (leadingZeros < modulus.Length && modulus[leadingZeros] == 0) leadingZeros++;
            if (leadingZeros == modulus.Length) return 0;
            return (modulus.Length - leadingZeros - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[leadingZeros]));
        }
        catch (AsnContentException)
        {
            return 0;
        }
    }

    static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive, 16 bytes long
        return serial;
    }
}
