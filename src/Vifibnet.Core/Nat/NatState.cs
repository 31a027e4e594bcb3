namespace Vifibnet.Nat;

/// <summary>Where port forwarding stands.</summary>
public enum NatState
{
    /// <summary>Not asked to forward (an --ip was given, or the <see cref="NullPortForwarder"/>).</summary>
    Disabled,
    /// <summary>Not started yet.</summary>
    Idle,
    /// <summary>No usable UPnP gateway on the LAN; nothing is advertised from UPnP.</summary>
    NoGateway,
    /// <summary>Every port is mapped.</summary>
    Mapped,
    /// <summary>A gateway is known but the last start or refresh failed for some or all ports (see the status error).</summary>
    Failed,
    /// <summary>Stopped; the mappings were deleted.</summary>
    Stopped,
}
