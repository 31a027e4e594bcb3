using System.Net;
using Vifibnet.Logging;

namespace Vifibnet.Nat;

/// <summary>
/// A found gateway ready for control, with our external and LAN addresses: what `vifibnet upnp`
/// works with. Owns its HTTP client.
/// </summary>
public sealed class GatewaySession : IDisposable
{
    readonly HttpClient http;

    GatewaySession(HttpClient http, IgdClient gateway, IPAddress external, IPAddress lan)
    {
        this.http = http;
        Gateway = gateway;
        ExternalAddress = external;
        LanAddress = lan;
    }

    public IgdClient Gateway { get; }
    public IPAddress ExternalAddress { get; }
    public IPAddress LanAddress { get; }

    /// <summary>
    /// Finds the gateway (SSDP, or the description URL in <paramref name="options"/>). Throws
    /// <see cref="NatException"/> saying why when there is none or it cannot be used.
    /// </summary>
    public static async Task<GatewaySession> OpenAsync(PortForwarderOptions options, Logger log, CancellationToken cancel)
    {
        var http = NatSockets.CreateHttpClient(options.Open, options.HttpTimeout);
        try
        {
            var locator = new GatewayLocator(http, log, options.Open) { SearchTarget = options.SearchTarget };
            var gateway = options.DescriptionUrl is { } url
                ? await locator.ConnectAsync(url, cancel).ConfigureAwait(false)
                : (await locator.FindAsync(options.DiscoveryWait, cancel).ConfigureAwait(false)) switch
                {
                    { Gateway: { } found } => found,
                    var search => throw new NatException($"{search.Summary} (searched {options.DiscoveryWait.TotalSeconds:0.#} s)"),
                };
            var external = await gateway.GetExternalIPAddressAsync(cancel).ConfigureAwait(false);
            var lan = await NatSockets.LocalAddressTowardAsync(gateway.Service.ControlUrl, options.Open, cancel).ConfigureAwait(false);
            return new GatewaySession(http, gateway, external, lan);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public void Dispose() => http.Dispose();
}
