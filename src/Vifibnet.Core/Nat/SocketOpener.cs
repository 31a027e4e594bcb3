using System.Net.Sockets;

namespace Vifibnet.Nat;

/// <summary>
/// Opens the sockets the UPnP client uses (SSDP, SOAP over HTTP, finding our LAN address).
/// The default opens them in this process's network namespace; tests open them in another one.
/// </summary>
public delegate Socket SocketOpener(AddressFamily family, SocketType type, ProtocolType protocol);
