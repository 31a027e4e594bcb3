namespace Vifibnet.Exchange;

// The peer exchange's two JSON lines (camelCase), over TCP to a neighbour's overlay address, port
// PeerExchangeServer.Port: one request line, one answer line, then the server closes.

/// <summary>
/// "Which peers do you know?", signed by the asker: RSA PKCS#1 v1.5 SHA-256 over
/// "vifibnet-px-v1\nASKED PREFIX\nTIMESTAMP\nNONCE" with the key of <paramref name="Certificate"/> (DER, base64).
/// Naming the asked node keeps a request from being replayed to another one.
/// </summary>
public sealed record ExchangeRequest(string Certificate, long Timestamp, string Nonce, string Signature);

/// <summary>The answer: declarations (the answering node's own first), or an error saying why the request was refused.</summary>
public sealed record ExchangeResponse(IReadOnlyList<SignedPeer>? Peers, string? Error);
