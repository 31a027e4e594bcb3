using System.Net;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

/// <summary>How a registry serves its network: the seed's registry.py options plus the limits it left implicit.</summary>
public sealed record RegistryOptions
{
    /// <summary>--private: the registry's own node address on the overlay, told only to nodes with a valid certificate.</summary>
    public IPAddress? PrivateAddress { get; init; }

    /// <summary>--bootstrap entries: handed out as bootstrap peers instead of random declared peers.</summary>
    public IReadOnlyList<PeerEntry> BootstrapPeers { get; init; } = [];

    /// <summary>--mailhost: SMTP server (host or host:port) for token mail; null: tokens only from an admin.</summary>
    public string? MailHost { get; init; }

    /// <summary>Node prefix length under the network prefix.</summary>
    public int PrefixLength { get; init; } = PrefixAllocator.DefaultLength;

    public TimeSpan TokenLifetime { get; init; } = TokenStore.DefaultLifetime;
    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromDays(365);
    public TimeSpan PeerTimeout { get; init; } = PeerTable.DefaultTimeout;

    /// <summary>--grace: how long after its expiry a certificate may still be renewed; its prefix is freed after that.</summary>
    public TimeSpan RenewalGrace { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long a served CRL is valid (its nextUpdate); it is re-signed every hour and on every revocation.</summary>
    public TimeSpan CrlValidity { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How far a signed request's timestamp may be from the registry's clock.</summary>
    public TimeSpan SignatureWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Token mails one e-mail address may receive per <see cref="TokenMailWindow"/>.</summary>
    public int TokenMailsPerAddress { get; init; } = 3;

    /// <summary>Token mails one client (IP address, IPv6 /64) may ask for per <see cref="TokenMailWindow"/>.</summary>
    public int TokenMailsPerClient { get; init; } = 10;

    public TimeSpan TokenMailWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The most peers one peer-list request gets.</summary>
    public int MaxPeerList { get; init; } = 100;

    /// <summary>
    /// Refuses a --bootstrap prefix that is not a node prefix of this registry: the seed wants it "in
    /// binary and with correct length", and a shorter one would name a whole block of nodes.
    /// </summary>
    public void Validate()
    {
        foreach (var peer in BootstrapPeers)
            if (peer.Prefix.Length != PrefixLength)
                throw new ArgumentException(
                    $"--bootstrap {peer.Prefix}: a node prefix here is {PrefixLength} binary digits (--prefix-length), not {peer.Prefix.Length}; e.g. node 1/{PrefixLength} is {"1".PadLeft(PrefixLength, '0')}");
    }
}
