namespace Vifibnet.Nat;

/// <summary>The transport a port mapping forwards, as UPnP names it ("UDP", "TCP").</summary>
public enum NatProtocol
{
    Udp,
    Tcp,
}
