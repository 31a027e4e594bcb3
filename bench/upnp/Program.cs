using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Vifibnet.Lab;
using Vifibnet.Logging;
using Vifibnet.Nat;

// UPnP against Debian's miniupnpd, the gateway of the lab's namespaced home network (run as root):
// discovery, SOAP round trip, add+delete, and the PortForwarder's start/refresh/stop for two --pp pairs.
// Last line: one JSON object with the figures (milliseconds).
using var lab = new UpnpHomeNetwork();
var opener = lab.LanSockets;
var figures = new Dictionary<string, double>();

var discovery = new List<double>();
for (var i = 0; i < 5; i++)
{
    var watch = Stopwatch.StartNew();
    using var session = await GatewaySession.OpenAsync(new PortForwarderOptions { Open = opener }, Logger.Null, default);
    discovery.Add(watch.Elapsed.TotalMilliseconds);
}
Report("discover_ms_median", Median(discovery), "SSDP search (incl. 300 ms settle) + description + GetExternalIPAddress");

using (var session = await GatewaySession.OpenAsync(new PortForwarderOptions { Open = opener }, Logger.Null, default))
{
    var soap = new List<double>();
    for (var i = 0; i < 300; i++)
    {
        var watch = Stopwatch.StartNew();
        await session.Gateway.GetExternalIPAddressAsync(default);
        soap.Add(watch.Elapsed.TotalMilliseconds);
    }
    soap.Sort();
    Report("soap_rtt_ms_median", Median(soap), "GetExternalIPAddress round trip");
    Report("soap_rtt_ms_p99", soap[(int)(soap.Count * 0.99)], "");

    var pairs = new List<double>();
    for (var i = 0; i < 100; i++)
    {
        var watch = Stopwatch.StartNew();
        await session.Gateway.AddPortMappingAsync(new PortMapping(30000 + i, NatProtocol.Udp, session.LanAddress, 1194, "bench", TimeSpan.FromMinutes(10)), default);
        await session.Gateway.DeletePortMappingAsync(30000 + i, NatProtocol.Udp, default);
        pairs.Add(watch.Elapsed.TotalMilliseconds);
    }
    Report("add_delete_ms_median", Median(pairs), "AddPortMapping + DeletePortMapping (miniupnpd edits nftables each time)");
}

var (start, refresh, stop) = (new List<double>(), new List<double>(), new List<double>());
for (var i = 0; i < 5; i++)
{
    using var forwarder = new PortForwarder([new ForwardedPort(1194, "udp"), new ForwardedPort(1194, "tcp-server")], new PortForwarderOptions { Open = opener }, Logger.Null);
    var watch = Stopwatch.StartNew();
    var addresses = await forwarder.StartAsync(default);
    start.Add(watch.Elapsed.TotalMilliseconds);
    if (addresses.Count != 2) throw new InvalidOperationException($"forwarder mapped {addresses.Count} of 2: {forwarder.Status.Error}");
    watch.Restart();
    await forwarder.RefreshAsync(default);
    refresh.Add(watch.Elapsed.TotalMilliseconds);
    watch.Restart();
    await forwarder.StopAsync(default);
    stop.Add(watch.Elapsed.TotalMilliseconds);
}
Report("forwarder_start_2_ports_ms_median", Median(start), "discovery + list + check/add/read-back per port");
Report("forwarder_refresh_ms_median", Median(refresh), "external IP + list + renew both");
Report("forwarder_stop_ms_median", Median(stop), "delete both");

Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["bench"] = "upnp", ["figures"] = figures }));

void Report(string name, double value, string what)
{
    figures[name] = Math.Round(value, 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-36} {value,9:0.00}  {what}"));
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}
