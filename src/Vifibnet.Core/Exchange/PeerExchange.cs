using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Peers;

namespace Vifibnet.Exchange;

/// <summary>What one neighbour's answer brought: declarations that checked out, those refused, peers new to the DB.</summary>
public sealed record ExchangeResult(string Neighbour, int Accepted, int Rejected, int Added);

/// <summary>
/// A node's side of peer exchange: its own signed declaration, the answer it gives (its own
/// declaration and the verified ones it holds), and the merging of a neighbour's answer into the peer
/// DB, each declaration checked (<see cref="SignedPeer.Verify"/>) before it is stored or repeated.
/// <paramref name="isRevoked"/> says which prefixes the network's CRL revokes: their declarations are neither stored
/// nor handed out, even while still signed and unexpired.
/// </summary>
public sealed class PeerExchange(X509Certificate2 ca, X509Certificate2 certificate, RSA key, NetworkPrefix network, string selfPrefix,
    PeerDb db, Logger log, TimeProvider? clock = null, Func<string, bool>? isRevoked = null)
{
    readonly Func<string, bool> isRevoked = isRevoked ?? (_ => false);
    /// <summary>Our declaration is signed again this often even when the address stays (so it never goes stale while we run).</summary>
    public static readonly TimeSpan Resign = TimeSpan.FromHours(6);

    readonly TimeProvider clock = clock ?? TimeProvider.System;
    volatile SignedPeer? own;
    // Swapped on renewal: a declaration or a request signed with the old certificate is refused once it expires.
    volatile X509Certificate2 signingCertificate = certificate;
    // Held declarations' certificate expiries, parsed once each (Answer runs at every neighbour's request).
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> expiries = new(StringComparer.Ordinal);

    public NetworkPrefix Network => network;
    public string SelfPrefix => selfPrefix;

    /// <summary>Our current declaration, or null while we know no address of ours.</summary>
    public SignedPeer? Own => own;

    /// <summary>Signs <paramref name="address"/> (what we declare to the registry) when it changed or our declaration is getting old.</summary>
    public void Declare(string? address)
    {
        if (address is null) return;
        var current = own;
        var now = clock.GetUtcNow();
        if (current is not null && current.Address == address && now - current.DeclaredAt < Resign) return;
        own = SignedPeer.Sign(signingCertificate, key, selfPrefix, address, now);
    }

    /// <summary>After a renewal (same key, same prefix): asks and declares with the new certificate from now on.</summary>
    public void UseCertificate(X509Certificate2 renewed)
    {
        signingCertificate = renewed;
        if (own is { } mine) own = SignedPeer.Sign(renewed, key, selfPrefix, mine.Address, clock.GetUtcNow());
    }

    /// <summary>What we hand a neighbour: our own declaration first, then those we hold that are still fresh.</summary>
    public IReadOnlyList<SignedPeer> Answer()
    {
        var now = clock.GetUtcNow();
        var cutoff = now - SignedPeer.Lifetime;
        // A declaration whose certificate expired since (its node renewed) would only be refused by the asker.
        var held = db.Declarations().Where(d => d.Declared > cutoff && d.Prefix != selfPrefix && !isRevoked(d.Prefix) && Expiry(d.Certificate) > now)
            .Select(d => new SignedPeer(d.Certificate, d.Address, d.Declared.ToUnixTimeSeconds(), d.Signature));
        return own is { } mine ? [mine, .. held] : [.. held];
    }

    /// <summary>When a held declaration's certificate expires (parsed once per certificate; it was verified when stored).</summary>
    DateTimeOffset Expiry(string certificate)
    {
        if (expiries.TryGetValue(certificate, out var known)) return known;
        if (expiries.Count > 10_000) expiries.Clear();
        DateTimeOffset expiry;
        try
        {
            using var cert = CertificateReader.FromBase64Der(certificate);
            expiry = cert.NotAfter.ToUniversalTime();
        }
        catch (CertificateException) { expiry = DateTimeOffset.MinValue; }
        return expiries[certificate] = expiry;
    }

    /// <summary>Checks every declaration of a neighbour's answer and stores those that hold; a refused one is logged, never stored nor repeated.</summary>
    public ExchangeResult Merge(string neighbour, IEnumerable<SignedPeer> answer)
    {
        var now = clock.GetUtcNow();
        var good = new Dictionary<string, PeerDeclarationRecord>();
        var rejected = new List<string>();
        foreach (var d in answer)
        {
            if (d is null) { rejected.Add("null entry"); continue; }
            string prefix;
            try { prefix = d.Verify(ca, network, now); }
            catch (PeerExchangeException e) { rejected.Add(e.Message); continue; }
            if (prefix == selfPrefix) continue;
            if (isRevoked(prefix)) { rejected.Add($"{prefix} is revoked by the network's CRL"); continue; }
            if (good.TryGetValue(prefix, out var seen) && seen.Declared >= d.DeclaredAt) continue;
            good[prefix] = new PeerDeclarationRecord(prefix, d.Address, d.DeclaredAt, d.Certificate, d.Signature, neighbour);
        }
        if (rejected.Count > 0)
            log.Warning($"peer exchange: {rejected.Count} declarations from neighbour {neighbour} refused (not repeated), e.g. {rejected[0]}");
        var added = db.AddDeclarations(good.Values);
        if (added > 0) log.Info($"peer exchange: neighbour {neighbour} gave {good.Count} declarations, {added} new peers");
        return new ExchangeResult(neighbour, good.Count, rejected.Count, added);
    }

    /// <summary>Asks neighbour <paramref name="neighbour"/> at its overlay address and merges its answer; throws <see cref="PeerExchangeException"/>.</summary>
    public async Task<ExchangeResult> AskAsync(string neighbour, TimeSpan timeout, CancellationToken cancel, IPEndPoint? at = null)
    {
        var endpoint = at ?? new IPEndPoint(OverlayAddress.For(network, NodePrefix.ParseBinary(neighbour)), PeerExchangeServer.Port);
        var self = at is null ? OverlayAddress.For(network, NodePrefix.ParseBinary(selfPrefix)) : null;
        var answer = await PeerExchangeClient.AskAsync(endpoint, self, neighbour, signingCertificate, key, timeout, cancel, clock).ConfigureAwait(false);
        return Merge(neighbour, answer);
    }

    /// <summary>Drops second-hand entries older than <see cref="SignedPeer.Lifetime"/>; returns how many peers went.</summary>
    public int Expire() => db.ExpireDeclarations(clock.GetUtcNow() - SignedPeer.Lifetime);
}
