using Vifibnet.Nat;

namespace Vifibnet.Node;

/// <summary>
/// A running node at a glance, as `vifibnet status` and Get-VifibNodeStatus show it: who it is, the
/// address it advertises and where that came from, its tunnels, UPnP, and the registry's last word.
/// </summary>
/// <param name="State">"running", "starting" ... (<see cref="NodeState"/> in lower case).</param>
/// <param name="Network">The network prefix, e.g. 2001:db8:42::/48.</param>
/// <param name="Prefix">The node prefix, binary.</param>
/// <param name="CommonName">The node prefix as its certificate CN, "value/length".</param>
/// <param name="OverlayAddress">The node's address on the overlay (on lo).</param>
/// <param name="Registry">The --registry URL, null without one.</param>
/// <param name="AdvertisedAddress">What the node declares to the registry ("ip,port,proto;..."), null when not known yet.</param>
/// <param name="AddressSource">Where that came from: "--ip", "upnp", "learned" (seen by our peers' servers) or "none".</param>
/// <param name="ExternalIp">Our address as the servers we connect to saw it (null when none told us yet).</param>
/// <param name="ClientTunnels">Client tunnels open.</param>
/// <param name="ClientTunnelsUp">Of those, connected.</param>
/// <param name="ServerClients">Peers connected to our servers.</param>
/// <param name="PeersKnown">Peers in peers.db.</param>
/// <param name="Upnp">UPnP port forwarding: gateway, external address, mappings, last error.</param>
/// <param name="LastRegistryContact">When the registry last answered a peer DB update, null when never (this run).</param>
/// <param name="LastRegistryError">The last failed update's message, null when the last one succeeded.</param>
/// <param name="CertificateExpires">When the node's certificate expires.</param>
/// <param name="NextRenewal">When the node will renew it (null without a registry).</param>
/// <param name="LastRenewalError">Why the last renewal failed, null when it did not.</param>
/// <param name="RevokedPeers">Prefixes the network's CRL revokes (as the node last fetched it).</param>
/// <param name="Hello">The babel hello interval in force (the network configuration's, or --hello when given).</param>
/// <param name="NetworkConfigVersion">The version of the network configuration the node holds, null when none.</param>
/// <param name="NetworkConfigError">Why the registry's last configuration was refused, or the node's version is below the network's minimum.</param>
/// <param name="BabelKey">The babel key the LAN interfaces use ("vifib3"), null when none.</param>
public sealed record NodeStatus(
    string State,
    string Network,
    string Prefix,
    string CommonName,
    string OverlayAddress,
    string? Registry,
    string? AdvertisedAddress,
    string AddressSource,
    string? ExternalIp,
    int ClientTunnels,
    int ClientTunnelsUp,
    int ServerClients,
    int PeersKnown,
    NatStatusView Upnp,
    DateTimeOffset? LastRegistryContact,
    string? LastRegistryError,
    DateTimeOffset? CertificateExpires = null,
    DateTimeOffset? NextRenewal = null,
    string? LastRenewalError = null,
    int RevokedPeers = 0,
    int Hello = 0,
    long? NetworkConfigVersion = null,
    string? NetworkConfigError = null,
    string? BabelKey = null);
