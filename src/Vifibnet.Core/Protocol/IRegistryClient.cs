using System.Net;

namespace Vifibnet.Protocol;

/// <summary>A peer as the registry hands it out: its node prefix in binary and its addresses ("ip,port,proto;...").</summary>
public sealed record PeerEntry(string Prefix, string Address);

/// <summary>
/// Everything the seed's registry offered, as setup and the node daemon use it.
/// The wire format is in docs/protocol.md. Node requests (private address, bootstrap peer,
/// declare, peer list) are signed with the node's certificate key.
/// Failures throw <see cref="RegistryCallException"/> naming the URL and what went wrong.
/// </summary>
public interface IRegistryClient
{
    /// <summary>The network's CA certificate, PEM.</summary>
    Task<string> GetCaAsync(CancellationToken cancel = default);

    /// <summary>Asks the registry to e-mail a registration token to this address.</summary>
    Task RequestTokenAsync(string email, CancellationToken cancel = default);

    /// <summary>Spends a token on a certificate for this CSR (PEM in, PEM out).</summary>
    Task<string> RequestCertificateAsync(string token, string csrPem, CancellationToken cancel = default);

    /// <summary>The registry's own node address on the overlay (--private), or null if it has none.</summary>
    Task<IPAddress?> GetPrivateAddressAsync(CancellationToken cancel = default);

    /// <summary>A peer to start from, decrypted with our key; null when the registry knows no peer.</summary>
    Task<PeerEntry?> GetBootstrapPeerAsync(CancellationToken cancel = default);

    /// <summary>Declares where our openvpn servers can be reached ("ip,port,proto;..."); our prefix comes from our certificate.</summary>
    Task DeclareAsync(string address, CancellationToken cancel = default);

    /// <summary>Up to n random peers, other than us.</summary>
    Task<IReadOnlyList<PeerEntry>> GetPeerListAsync(int n, CancellationToken cancel = default);

    /// <summary>Renews our certificate (the request is signed with it): same prefix, a new certificate for this CSR (PEM in, PEM out).</summary>
    Task<string> RenewCertificateAsync(string csrPem, CancellationToken cancel = default);

    /// <summary>The network's CRL and the certificates it revokes (public: no signature).</summary>
    Task<RevocationsResponse> GetRevocationsAsync(CancellationToken cancel = default);

    /// <summary>The network configuration signed by the CA, opened with our key (signed request; the node checks the CA's signature).</summary>
    Task<NetworkConfigMessage> GetNetworkConfigAsync(CancellationToken cancel = default);
}
