namespace Vifibnet.Protocol;

// The JSON bodies of the registry protocol (docs/protocol.md), camelCase on the wire.
// Kept together: each is one line, and reading them side by side is reading the protocol.

/// <summary>GET /v1/ca: the network's CA certificate (PEM) and the prefix its serial carries.</summary>
public sealed record CaResponse(string Certificate, string Network);

/// <summary>POST /v1/tokens: e-mail a registration token to this address.</summary>
public sealed record TokenRequest(string Email);

/// <summary>Answer to POST /v1/tokens once the mail is handed to the mail host.</summary>
public sealed record TokenResponse(string Email, DateTimeOffset Expires);

/// <summary>POST /v1/certificates: spend a token on a certificate for a PEM CSR.</summary>
public sealed record CertificateRequestMessage(string Token, string Csr);

/// <summary>The issued certificate (PEM), the node prefix in binary, and the node's subnet.</summary>
public sealed record CertificateResponse(string Certificate, string Prefix, string Subnet);

/// <summary>GET /v1/private-address: the registry's own node address on the overlay (--private), or null.</summary>
public sealed record PrivateAddressResponse(string? Address);

/// <summary>GET /v1/bootstrap: a <see cref="PeerEntry"/> as JSON, sealed to the requesting node's key.</summary>
public sealed record BootstrapResponse(SealedBox Sealed);

/// <summary>POST /v1/peers: declare where this node's openvpn servers are ("ip,port,proto;...").</summary>
public sealed record DeclareRequest(string Address);

/// <summary>Answer to a declare: the prefix the registry read from the certificate, and the stored address.</summary>
public sealed record DeclareResponse(string Prefix, string Address);

/// <summary>GET /v1/peers?n=N: up to N random peers other than the caller.</summary>
public sealed record PeerListResponse(IReadOnlyList<PeerEntry> Peers);

/// <summary>POST /v1/renew (signed with the certificate to renew): a CSR for the new certificate, same prefix.</summary>
public sealed record RenewRequest(string Csr);

/// <summary>GET /v1/revocations: the CRL (PEM, signed by the CA) and every certificate it lists (PEM), so nodes know the revoked prefixes.</summary>
public sealed record RevocationsResponse(string Crl, IReadOnlyList<string> Certificates);

/// <summary>Every error answer: a stable code (snake_case) and a message saying what was wrong.</summary>
public sealed record ErrorResponse(string Error, string Message);

/// <summary>The network configuration as the CA signed it: the JSON text and the CA's signature over it (base64, RSA PKCS#1 SHA-256).</summary>
public sealed record NetworkConfigMessage(string Body, string Signature);

/// <summary>GET /v1/network-config (signed): a <see cref="NetworkConfigMessage"/> as JSON, sealed to the requesting node's key (it holds the babel key).</summary>
public sealed record NetworkConfigResponse(SealedBox Sealed);
