namespace Vifibnet.Peers;

/// <summary>
/// A peer's own signed declaration of its addresses, learned from a neighbour (peer exchange), kept
/// to repeat it as it was signed. The Peers layer stores it; Exchange signs and checks it.
/// </summary>
/// <param name="Prefix">The declaring node's prefix (binary), as its certificate says.</param>
/// <param name="Address">"ip,port,proto;..." as it declared them.</param>
/// <param name="Declared">When it signed them.</param>
/// <param name="Certificate">Its certificate, DER base64.</param>
/// <param name="Signature">Its signature, base64.</param>
/// <param name="Via">The neighbour we learned it from.</param>
public sealed record PeerDeclarationRecord(string Prefix, string Address, DateTimeOffset Declared, string Certificate, string Signature, string Via);
