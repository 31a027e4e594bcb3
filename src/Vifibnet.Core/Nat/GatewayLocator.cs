using System.Net;
using Vifibnet.Logging;

namespace Vifibnet.Nat;

/// <summary>
/// Finds a usable Internet Gateway Device: SSDP discovery, then each answer's description, then
/// each WAN service's GetExternalIPAddress; the first that answers wins. Problems with a device
/// (broken description URL, malformed XML, a fault) are logged and the next device is tried.
/// </summary>
public sealed class GatewayLocator(HttpClient http, Logger log, SocketOpener? open = null)
{
    /// <summary>Descriptions larger than this are not IGD descriptions.</summary>
    const int MaxDescriptionBytes = 512 * 1024;

    /// <summary>Where SSDP searches go: the multicast group, or a known device (tests, `vifibnet upnp --ssdp`).</summary>
    public IPEndPoint SearchTarget { get; init; } = SsdpDiscovery.MulticastEndpoint;

    public async Task<GatewaySearch> FindAsync(TimeSpan wait, CancellationToken cancel)
    {
        var answers = await new SsdpDiscovery(log, open) { Target = SearchTarget }.SearchAsync(wait, cancel).ConfigureAwait(false);
        var problems = new List<string>();
        foreach (var answer in answers)
        {
            try
            {
                var gateway = await ConnectAsync(answer.Location, cancel).ConfigureAwait(false);
                return new GatewaySearch(gateway, answers.Count, problems);
            }
            catch (NatException e)
            {
                log.Warning($"UPnP device {answer.From.Address} ({answer.Server}) is not usable: {e.Message}");
                problems.Add(e.Message);
            }
        }
        return new GatewaySearch(null, answers.Count, problems);
    }

    /// <summary>
    /// Reads the description at <paramref name="location"/> and returns a client for the first WAN
    /// service that reports an external address. Throws <see cref="NatException"/> naming the URL.
    /// </summary>
    public async Task<IgdClient> ConnectAsync(Uri location, CancellationToken cancel)
    {
        var xml = await FetchDescriptionAsync(location, cancel).ConfigureAwait(false);
        var services = IgdDescription.FindWanServices(xml, location);
        if (services.Count == 0)
            throw new NatException($"device description {location} offers no WANIPConnection or WANPPPConnection service");
        NatException? last = null;
        foreach (var service in services)
        {
            var client = new IgdClient(http, service, log);
            try
            {
                var external = await client.GetExternalIPAddressAsync(cancel).ConfigureAwait(false);
                log.Debug($"UPnP {service}: external address {external}");
                return client;
            }
            catch (NatException e)
            {
                // A gateway may list a PPP and an IP connection of which only one is up.
                log.Debug($"UPnP {service} not usable: {e.Message}");
                last = e;
            }
        }
        throw last!;
    }

    async Task<string> FetchDescriptionAsync(Uri location, CancellationToken cancel)
    {
        try
        {
            using var response = await http.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new NatException($"device description {location}: HTTP {(int)response.StatusCode} {response.StatusCode}");
            if (response.Content.Headers.ContentLength > MaxDescriptionBytes)
                throw new NatException($"device description {location}: {response.Content.Headers.ContentLength} bytes is too large for a description");
            return await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NatException($"device description {location} could not be fetched: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new NatException($"device description {location} did not arrive in time", e);
        }
    }
}
