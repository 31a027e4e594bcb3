using Vifibnet.Addressing;

namespace Vifibnet.Nat;

/// <summary>One forwarded --pp pair: the gateway's mapping and the address advertised for it.</summary>
public sealed record NatMapping(ForwardedPort Port, PortMapping Mapping, PeerAddress Advertised, DateTimeOffset Renewed)
{
    /// <summary>When the gateway drops the mapping unless renewed; null for a permanent lease.</summary>
    public DateTimeOffset? Expires => Mapping.LeaseDuration == TimeSpan.Zero ? null : Renewed + Mapping.LeaseDuration;
}
