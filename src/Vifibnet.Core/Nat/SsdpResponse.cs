using System.Net;

namespace Vifibnet.Nat;

/// <summary>One answer to an SSDP M-SEARCH: where the device description lives and what was found.</summary>
public sealed record SsdpResponse(Uri Location, string SearchTarget, string UniqueServiceName, string Server, IPEndPoint From);
