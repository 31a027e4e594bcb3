using Vifibnet.Node;

namespace Vifibnet.PowerShell;

/// <summary>A running node at a glance (Get-VifibNodeStatus); the fields of `vifibnet status`.</summary>
public sealed class VifibNodeStatus
{
    /// <summary>running, starting, stopping ...</summary>
    public required string State { get; init; }
    public required string Network { get; init; }
    public required string Prefix { get; init; }
    public required string CommonName { get; init; }
    public required string OverlayAddress { get; init; }
    public string? Registry { get; init; }
    /// <summary>What the node declares to the registry ("ip,port,proto;...").</summary>
    public string? AdvertisedAddress { get; init; }
    /// <summary>--ip, upnp, learned or none.</summary>
    public required string AddressSource { get; init; }
    public string? ExternalIp { get; init; }
    public required int ClientTunnels { get; init; }
    public required int ClientTunnelsUp { get; init; }
    public required int ServerClients { get; init; }
    public required int PeersKnown { get; init; }
    /// <summary>UPnP: disabled, searching, mapped, failed ...</summary>
    public required string UpnpState { get; init; }
    public string? UpnpGateway { get; init; }
    public required string[] UpnpMappings { get; init; }
    public string? UpnpError { get; init; }
    public DateTimeOffset? LastRegistryContact { get; init; }
    public string? LastRegistryError { get; init; }
    /// <summary>When the node's certificate expires.</summary>
    public DateTimeOffset? CertificateExpires { get; init; }
    /// <summary>When the node renews it by itself (null without a registry).</summary>
    public DateTimeOffset? NextRenewal { get; init; }
    /// <summary>Why the last renewal failed (retried with back-off), null when it did not.</summary>
    public string? LastRenewalError { get; init; }
    /// <summary>How many nodes the network's CRL revokes.</summary>
    public int RevokedPeers { get; init; }
    /// <summary>The babel hello interval in force (the network configuration's, or -Hello when given).</summary>
    public int Hello { get; init; }
    /// <summary>The version of the network configuration the node holds (signed by the CA), null when none.</summary>
    public long? NetworkConfigVersion { get; init; }
    /// <summary>Why the registry's last configuration was refused, or that the node is below the network's minimum version.</summary>
    public string? NetworkConfigError { get; init; }
    /// <summary>The babel key the LAN interfaces use, null when none.</summary>
    public string? BabelKey { get; init; }
    /// <summary>The node's state directory.</summary>
    public required string Path { get; init; }

    internal static VifibNodeStatus From(NodeStatus s, string directory) => new()
    {
        State = s.State, Network = s.Network, Prefix = s.Prefix, CommonName = s.CommonName, OverlayAddress = s.OverlayAddress,
        Registry = s.Registry, AdvertisedAddress = s.AdvertisedAddress, AddressSource = s.AddressSource, ExternalIp = s.ExternalIp,
        ClientTunnels = s.ClientTunnels, ClientTunnelsUp = s.ClientTunnelsUp, ServerClients = s.ServerClients, PeersKnown = s.PeersKnown,
        UpnpState = s.Upnp.State, UpnpGateway = s.Upnp.Gateway, UpnpMappings = [.. s.Upnp.Mappings], UpnpError = s.Upnp.LastError,
        LastRegistryContact = s.LastRegistryContact, LastRegistryError = s.LastRegistryError,
        CertificateExpires = s.CertificateExpires, NextRenewal = s.NextRenewal, LastRenewalError = s.LastRenewalError, RevokedPeers = s.RevokedPeers,
        Hello = s.Hello, NetworkConfigVersion = s.NetworkConfigVersion, NetworkConfigError = s.NetworkConfigError, BabelKey = s.BabelKey,
        Path = directory,
    };
}
