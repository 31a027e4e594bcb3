using System.Net;
using Vifibnet.Addressing;
using Vifibnet.Logging;

namespace Vifibnet.Nat;

/// <summary>
/// Forwards one external port per --pp pair through the LAN's UPnP gateway, with the pair's own
/// protocol, to our LAN address; renews the mappings before they lapse and deletes them on stop.
/// Gateway trouble never escapes: it is logged and kept in <see cref="Status"/>, and the next
/// refresh searches again.
/// </summary>
public sealed class PortForwarder : IPortForwarder, IDisposable
{
    readonly IReadOnlyList<ForwardedPort> ports;
    readonly PortForwarderOptions options;
    readonly Logger log;
    readonly HttpClient http;
    readonly SemaphoreSlim gate = new(1, 1);
    readonly MappingAllocator allocator;
    volatile NatStatus status = NatStatus.Idle;
    IgdClient? gateway;
    IPAddress? lanAddress;

    public PortForwarder(IEnumerable<ForwardedPort> ports, PortForwarderOptions? options, Logger log)
    {
        this.ports = ports.ToList();
        this.options = options ?? new PortForwarderOptions();
        this.log = log.For("upnp");
        http = NatSockets.CreateHttpClient(this.options.Open, this.options.HttpTimeout);
        allocator = new MappingAllocator(this.options, this.log);
    }

    public NatStatus Status => status;

    public event Action<IReadOnlyList<PeerAddress>>? PublicAddressesChanged;

    public Task<IReadOnlyList<PeerAddress>> StartAsync(CancellationToken cancel) => SyncAsync("start", cancel);

    public Task<IReadOnlyList<PeerAddress>> RefreshAsync(CancellationToken cancel) => SyncAsync("refresh", cancel);

    public async Task StopAsync(CancellationToken cancel)
    {
        await gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var current = status;
            if (gateway is null && current.Mappings.Count > 0)
                log.Info($"UPnP gateway unreachable at stop: {current.Mappings.Count} mapping(s) left to lapse with their lease");
            if (gateway is not null)
            {
                foreach (var m in current.Mappings)
                {
                    try
                    {
                        await gateway.DeletePortMappingAsync(m.Mapping.ExternalPort, m.Mapping.Protocol, cancel).ConfigureAwait(false);
                        log.Info($"UPnP mapping deleted: {PortMapping.ToUpnp(m.Mapping.Protocol)} {m.Mapping.ExternalPort}");
                    }
                    catch (UpnpFaultException e) when (e.ErrorCode == UpnpErrorCode.NoSuchEntryInArray)
                    {
                        log.Debug($"UPnP mapping {m.Mapping.ExternalPort} was already gone");
                    }
                    catch (NatException e)
                    {
                        log.Warning($"UPnP mapping {m.Mapping} could not be deleted: {e.Message}");
                    }
                }
            }
            Publish(current with { State = NatState.Stopped, Mappings = [], Error = null });
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task RunAsync(CancellationToken cancel)
    {
        try
        {
            await StartAsync(cancel).ConfigureAwait(false);
            var failures = 0;
            while (true)
            {
                // A failing gateway is retried soon, then less often (doubling), never less often than the refresh.
                failures = status.State == NatState.Failed ? failures + 1 : 0;
                var wait = failures == 0 ? options.RefreshInterval
                    : TimeSpan.FromTicks(Math.Min(options.RefreshInterval.Ticks, options.RetryInterval.Ticks << Math.Min(failures - 1, 16)));
                await Task.Delay(wait, cancel).ConfigureAwait(false);
                await RefreshAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        finally
        {
            // A clean stop removes what we mapped; the run's token is cancelled, so give it its own bound.
            using var stop = new CancellationTokenSource(options.HttpTimeout * 2);
            try { await StopAsync(stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { log.Warning("UPnP: deleting the mappings took too long; they will lapse with their lease"); }
        }
    }

    async Task<IReadOnlyList<PeerAddress>> SyncAsync(string what, CancellationToken cancel)
    {
        await gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            Publish(await MapAllAsync(what, cancel).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever a gateway does must not take the daemon down: forget it, search again later.
            log.Warning($"UPnP {what} failed{(gateway is null ? "" : $" with gateway {gateway.Service.ControlUrl}")}: {e.Message}; will search again and retry", e is NatException ? null : e);
            gateway = null;
            Publish(status with { State = NatState.Failed, Error = e.Message, LastRefresh = DateTimeOffset.UtcNow });
        }
        finally
        {
            gate.Release();
        }
        return status.PublicAddresses;
    }

    async Task<NatStatus> MapAllAsync(string what, CancellationToken cancel)
    {
        var previous = status;
        if (gateway is null)
        {
            var search = await FindGatewayAsync(cancel).ConfigureAwait(false);
            if (search.Gateway is null)
            {
                log.Info($"UPnP {what}: {search.Summary}; ports are not forwarded (give --ip to advertise addresses by hand)");
                return NatStatus.Idle with { State = NatState.NoGateway, LastRefresh = DateTimeOffset.UtcNow, Error = search.Summary };
            }
            gateway = search.Gateway;
            lanAddress = await NatSockets.LocalAddressTowardAsync(gateway.Service.ControlUrl, options.Open, cancel).ConfigureAwait(false);
            log.Info($"UPnP gateway {gateway.Service}; our LAN address {lanAddress}");
        }
        var external = await gateway.GetExternalIPAddressAsync(cancel).ConfigureAwait(false);
        if (IsPrivate(external) && !external.Equals(previous.ExternalAddress))
            log.Warning($"UPnP gateway's external address {external} is private: another NAT lies beyond it, so peers on the internet may not reach these mappings");
        var table = await allocator.TryListAsync(gateway, cancel).ConfigureAwait(false);
        var mappings = new List<NatMapping>();
        var errors = new List<string>();
        foreach (var port in ports)
        {
            var current = previous.Mappings.FirstOrDefault(m => m.Port == port);
            var (mapping, error) = await allocator.EnsureAsync(gateway, port, lanAddress!, current?.Mapping.ExternalPort, table, cancel).ConfigureAwait(false);
            if (mapping is null)
            {
                errors.Add($"{port}: {error}");
                log.Warning($"UPnP {what}: could not forward {port}: {error}");
                continue;
            }
            var advertised = new PeerAddress(external, mapping.ExternalPort, port.AdvertisedProtocol);
            if (current?.Advertised != advertised)
                log.Info($"UPnP: {mapping} mapped on {external}; advertising {advertised}");
            mappings.Add(new NatMapping(port, mapping, advertised, DateTimeOffset.UtcNow));
        }
        return new NatStatus(errors.Count == 0 ? NatState.Mapped : NatState.Failed, gateway.Service.ControlUrl, gateway.Service.ServiceType,
            external, lanAddress, mappings, DateTimeOffset.UtcNow, errors.Count == 0 ? null : string.Join("; ", errors));
    }

    async Task<GatewaySearch> FindGatewayAsync(CancellationToken cancel)
    {
        var locator = new GatewayLocator(http, log, options.Open) { SearchTarget = options.SearchTarget };
        if (options.DescriptionUrl is null) return await locator.FindAsync(options.DiscoveryWait, cancel).ConfigureAwait(false);
        try
        {
            return new GatewaySearch(await locator.ConnectAsync(options.DescriptionUrl, cancel).ConfigureAwait(false), 1, []);
        }
        catch (NatException e)
        {
            log.Warning($"UPnP gateway at {options.DescriptionUrl} is not usable: {e.Message}");
            return new GatewaySearch(null, 1, [e.Message]);
        }
    }

    /// <summary>RFC 1918, shared (RFC 6598, carrier-grade NAT) and link-local IPv4.</summary>
    static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && (b[1] & 0xC0) == 64) || (b[0] == 169 && b[1] == 254);
    }

    void Publish(NatStatus next)
    {
        var before = status.PublicAddresses;
        status = next;
        var after = next.PublicAddresses;
        if (before.SequenceEqual(after)) return;
        try { PublicAddressesChanged?.Invoke(after); }
        catch (Exception e) when (e is not OutOfMemoryException) { log.Error("UPnP: a PublicAddressesChanged handler failed", e); }
    }

    public void Dispose()
    {
        http.Dispose();
        gate.Dispose();
    }
}
