namespace Vifibnet.Node;

/// <summary>What `peers update` did.</summary>
/// <param name="Declared">The address we declared to the registry ("ip,port,proto;..."), or null when none is known yet.</param>
/// <param name="Received">Peers the registry sent.</param>
/// <param name="Added">Of those, peers new to the peer DB.</param>
/// <param name="Total">Peers in the DB afterwards.</param>
/// <param name="Bootstrap">True when the DB was empty and the registry's bootstrap peer was added.</param>
public sealed record PeersUpdateResult(string? Declared, int Received, int Added, int Total, bool Bootstrap);
