using System.Globalization;
using System.Net;
using System.Text;
using Vifibnet.Logging;

namespace Vifibnet.Nat;

/// <summary>
/// SOAP control of one gateway's WAN connection service: external address, and reading,
/// adding and deleting port mappings. Faults become <see cref="UpnpFaultException"/> with the
/// UPnP error code; an unreachable gateway or an unreadable answer becomes <see cref="NatException"/>.
/// </summary>
public sealed class IgdClient(HttpClient http, IgdService service, Logger log)
{
    /// <summary>Answers larger than this are not a port-mapping reply; refuse them rather than buffer them.</summary>
    const int MaxAnswerBytes = 256 * 1024;

    public IgdService Service { get; } = service;

    public async Task<IPAddress> GetExternalIPAddressAsync(CancellationToken cancel)
    {
        var outputs = await InvokeAsync("GetExternalIPAddress", [], cancel).ConfigureAwait(false);
        var text = outputs.GetValueOrDefault("NewExternalIPAddress", "");
        if (!IPAddress.TryParse(text, out var address) || address.Equals(IPAddress.Any))
            throw new NatException($"gateway {Service.ControlUrl} reported no usable external address ('{text}'): is its WAN link up?");
        return address;
    }

    /// <summary>The mapping of an external port, or null when there is none (error 714).</summary>
    public async Task<PortMapping?> GetSpecificPortMappingEntryAsync(int externalPort, NatProtocol protocol, CancellationToken cancel)
    {
        try
        {
            var outputs = await InvokeAsync("GetSpecificPortMappingEntry",
                [new("NewRemoteHost", ""), new("NewExternalPort", Number(externalPort)), new("NewProtocol", PortMapping.ToUpnp(protocol))], cancel).ConfigureAwait(false);
            return ReadMapping(outputs, externalPort, protocol);
        }
        catch (UpnpFaultException e) when (e.ErrorCode is UpnpErrorCode.NoSuchEntryInArray or UpnpErrorCode.SpecifiedArrayIndexInvalid)
        {
            return null;
        }
    }

    /// <summary>The mapping at a table index, or null past the end of the table (error 713).</summary>
    public async Task<PortMapping?> GetGenericPortMappingEntryAsync(int index, CancellationToken cancel)
    {
        try
        {
            var outputs = await InvokeAsync("GetGenericPortMappingEntry", [new("NewPortMappingIndex", Number(index))], cancel).ConfigureAwait(false);
            return ReadMapping(outputs, null, null);
        }
        catch (UpnpFaultException e) when (e.ErrorCode is UpnpErrorCode.SpecifiedArrayIndexInvalid or UpnpErrorCode.NoSuchEntryInArray)
        {
            return null;
        }
    }

    /// <summary>The whole mapping table (index by index; capped, since a broken gateway may never say "end").</summary>
    public async Task<IReadOnlyList<PortMapping>> ListPortMappingsAsync(CancellationToken cancel, int limit = 1024)
    {
        var list = new List<PortMapping>();
        for (var i = 0; i < limit; i++)
        {
            var entry = await GetGenericPortMappingEntryAsync(i, cancel).ConfigureAwait(false);
            if (entry is null) break;
            list.Add(entry);
        }
        return list;
    }

    /// <summary>Adds (or, for the same internal client, renews) a mapping. 718 and 725 reach the caller as faults.</summary>
    public Task AddPortMappingAsync(PortMapping mapping, CancellationToken cancel) =>
        InvokeAsync("AddPortMapping",
        [
            new("NewRemoteHost", mapping.RemoteHost),
            new("NewExternalPort", Number(mapping.ExternalPort)),
            new("NewProtocol", PortMapping.ToUpnp(mapping.Protocol)),
            new("NewInternalPort", Number(mapping.InternalPort)),
            new("NewInternalClient", mapping.InternalClient.ToString()),
            new("NewEnabled", mapping.Enabled ? "1" : "0"),
            new("NewPortMappingDescription", mapping.Description),
            new("NewLeaseDuration", Number((long)mapping.LeaseDuration.TotalSeconds)),
        ], cancel);

    public Task DeletePortMappingAsync(int externalPort, NatProtocol protocol, CancellationToken cancel) =>
        InvokeAsync("DeletePortMapping",
            [new("NewRemoteHost", ""), new("NewExternalPort", Number(externalPort)), new("NewProtocol", PortMapping.ToUpnp(protocol))], cancel);

    /// <summary>Calls one action; returns its output arguments by name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> InvokeAsync(string action, IReadOnlyList<KeyValuePair<string, string>> arguments, CancellationToken cancel)
    {
        var url = Service.ControlUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(SoapMessage.Request(Service.ServiceType, action, arguments), Encoding.UTF8, "text/xml"),
        };
        request.Headers.TryAddWithoutValidation("SOAPAction", $"\"{Service.ServiceType}#{action}\"");
        log.Trace($"SOAP {action} -> {url}");
        string body;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            status = response.StatusCode;
            if (response.Content.Headers.ContentLength > MaxAnswerBytes)
                throw new NatException($"gateway {url} answered {action} with {response.Content.Headers.ContentLength} bytes; that is not a UPnP answer");
            body = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NatException($"gateway {url} did not answer {action}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new NatException($"gateway {url} did not answer {action} in time", e);
        }
        if (status != HttpStatusCode.OK)
        {
            // UPnP faults come with HTTP 500; anything else is the gateway's HTTP layer refusing.
            if (SoapMessage.TryReadFault(body, action, url, out var fault)) throw fault!;
            throw new NatException($"gateway {url} answered {action} with HTTP {(int)status} {status}");
        }
        return SoapMessage.ReadResponse(body, action, url);
    }

    /// <summary>A mapping from GetSpecific/GetGeneric outputs; the request's port and protocol fill in what GetSpecific omits.</summary>
    PortMapping ReadMapping(IReadOnlyDictionary<string, string> outputs, int? externalPort, NatProtocol? protocol)
    {
        string Need(string name) => outputs.TryGetValue(name, out var v)
            ? v : throw new NatException($"gateway {Service.ControlUrl}: a port-mapping answer lacks {name}");
        int Port(string text, string name) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535
            ? p : throw new NatException($"gateway {Service.ControlUrl}: {name} '{text}' is not a port");

        var external = externalPort ?? Port(Need("NewExternalPort"), "NewExternalPort");
        var proto = protocol ?? PortMapping.ParseUpnp(Need("NewProtocol"));
        var clientText = Need("NewInternalClient");
        if (!IPAddress.TryParse(clientText, out var client))
            throw new NatException($"gateway {Service.ControlUrl}: NewInternalClient '{clientText}' is not an address");
        var lease = long.TryParse(outputs.GetValueOrDefault("NewLeaseDuration", "0"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        return new PortMapping(external, proto, client, Port(Need("NewInternalPort"), "NewInternalPort"),
            outputs.GetValueOrDefault("NewPortMappingDescription", ""), TimeSpan.FromSeconds(lease),
            outputs.GetValueOrDefault("NewEnabled", "1") is "1" or "true" or "yes", outputs.GetValueOrDefault("NewRemoteHost", ""));
    }

    static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
