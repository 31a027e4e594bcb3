using System.Net;
using Vifibnet.Logging;

namespace Vifibnet.Nat;

/// <summary>
/// Chooses and claims an external port for one forwarded port. Ports are drawn at random (not
/// probed upward from 1000 as the seed did), checked against the gateway's table, and read back
/// after adding, so a router that silently keeps someone else's mapping is noticed and survived.
/// </summary>
sealed class MappingAllocator(PortForwarderOptions options, Logger log)
{
    bool permanentOnly;

    /// <summary>The gateway's mapping table, or null when it cannot list (not every gateway implements GetGenericPortMappingEntry).</summary>
    public async Task<IReadOnlyList<PortMapping>?> TryListAsync(IgdClient gateway, CancellationToken cancel)
    {
        try
        {
            return await gateway.ListPortMappingsAsync(cancel).ConfigureAwait(false);
        }
        catch (UpnpFaultException e)
        {
            log.Debug($"UPnP gateway cannot list its mappings ({e.Message}); checking ports one by one");
            return null;
        }
    }

    /// <summary>
    /// Maps <paramref name="port"/> (renewing <paramref name="preferred"/> when given, or a mapping
    /// of ours left in the table). Returns the mapping, or null and why when no port could be had.
    /// A gateway that stops answering throws <see cref="NatException"/>.
    /// </summary>
    public async Task<(PortMapping? Mapping, string? Error)> EnsureAsync(
        IgdClient gateway, ForwardedPort port, IPAddress lan, int? preferred, IReadOnlyList<PortMapping>? table, CancellationToken cancel)
    {
        bool Ours(PortMapping m) => m.Protocol == port.NatProtocol && m.InternalClient.Equals(lan) && m.InternalPort == port.LocalPort;

        var candidates = new List<int>();
        if (preferred is int p) candidates.Add(p);
        if (table is not null)
            candidates.AddRange(table.Where(m => Ours(m) && m.Description == options.Description).Select(m => m.ExternalPort));
        var taken = table?.Where(m => m.Protocol == port.NatProtocol && !Ours(m)).Select(m => m.ExternalPort).ToHashSet() ?? [];
        candidates.AddRange(RandomPorts(taken));

        string? lastError = null;
        var tried = new HashSet<int>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var external = candidates[i];
            if (!tried.Add(external)) continue;
            var existing = await gateway.GetSpecificPortMappingEntryAsync(external, port.NatProtocol, cancel).ConfigureAwait(false);
            if (existing is not null && !Ours(existing))
            {
                log.Debug($"UPnP: external {PortMapping.ToUpnp(port.NatProtocol)} {external} is taken by {existing.InternalClient}:{existing.InternalPort}");
                continue;
            }
            var lease = permanentOnly ? TimeSpan.Zero : options.Lease;
            var mapping = new PortMapping(external, port.NatProtocol, lan, port.LocalPort, options.Description, lease);
            try
            {
                mapping = await AddAsync(gateway, mapping, cancel).ConfigureAwait(false);
            }
            catch (UpnpFaultException e) when (e.ErrorCode == UpnpErrorCode.ConflictInMappingEntry)
            {
                log.Debug($"UPnP: external {external} refused as in use (718); trying another");
                lastError = e.Message;
                continue;
            }
            catch (UpnpFaultException e) when (e.ErrorCode == UpnpErrorCode.SamePortValuesRequired && external != port.LocalPort)
            {
                log.Debug($"UPnP gateway wants external = internal port (724); trying {port.LocalPort}");
                lastError = e.Message;
                candidates.Add(port.LocalPort);
                continue;
            }
            catch (UpnpFaultException e)
            {
                return (null, e.Message);
            }
            // Read it back: some routers answer success and keep another client's mapping.
            var check = await gateway.GetSpecificPortMappingEntryAsync(external, port.NatProtocol, cancel).ConfigureAwait(false);
            if (check is not null && !Ours(check))
            {
                log.Warning($"UPnP gateway accepted {mapping} but holds {check}: it does not report conflicts; trying another port");
                lastError = $"gateway kept {check}";
                continue;
            }
            return (mapping, null);
        }
        return (null, $"no free external {PortMapping.ToUpnp(port.NatProtocol)} port after {options.Attempts} random tries{(lastError is null ? "" : $" (last: {lastError})")}");
    }

    /// <summary>Adds the mapping; a gateway that only takes permanent leases (725) gets lease 0, now and from then on.</summary>
    async Task<PortMapping> AddAsync(IgdClient gateway, PortMapping mapping, CancellationToken cancel)
    {
        try
        {
            await gateway.AddPortMappingAsync(mapping, cancel).ConfigureAwait(false);
            return mapping;
        }
        catch (UpnpFaultException e) when (e.ErrorCode == UpnpErrorCode.OnlyPermanentLeasesSupported && mapping.LeaseDuration != TimeSpan.Zero)
        {
            log.Info($"UPnP gateway {gateway.Service.ControlUrl} only supports permanent leases (725); mapping with lease 0 and deleting on stop");
            permanentOnly = true;
            var permanent = mapping with { LeaseDuration = TimeSpan.Zero };
            await gateway.AddPortMappingAsync(permanent, cancel).ConfigureAwait(false);
            return permanent;
        }
    }

    IEnumerable<int> RandomPorts(HashSet<int> taken)
    {
        var random = options.Random;
        for (var i = 0; i < options.Attempts; i++)
        {
            // Bounded redraws: the range is large, a table that fills it is not worth looping over.
            var port = random.Next(options.MinExternalPort, options.MaxExternalPort + 1);
            for (var redraw = 0; redraw < 8 && taken.Contains(port); redraw++)
                port = random.Next(options.MinExternalPort, options.MaxExternalPort + 1);
            yield return port;
        }
    }
}
