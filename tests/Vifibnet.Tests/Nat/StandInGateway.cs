using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace Vifibnet.Tests.Nat;

/// <summary>
/// A stand-in for a broken home router, on loopback with real sockets: answers SSDP M-SEARCH and
/// serves a description and a WANIPConnection:1 control URL over a tiny HTTP/1.1 server. It exists
/// because miniupnpd is a well-behaved gateway: it never sends a broken LOCATION, malformed XML,
/// a 725, or silently keeps someone else's mapping, and real routers do. Quirks are set per test.
/// </summary>
sealed class StandInGateway : IDisposable
{
    readonly TcpListener http = new(IPAddress.Loopback, 0);
    readonly UdpClient ssdp = new(new IPEndPoint(IPAddress.Loopback, 0));
    readonly CancellationTokenSource stop = new();

    public StandInGateway()
    {
        http.Start();
        Location = $"http://127.0.0.1:{HttpPort}/desc.xml";
        Description = DescriptionXml($"http://127.0.0.1:{HttpPort}/");
        _ = Task.Run(ServeHttpAsync);
        _ = Task.Run(ServeSsdpAsync);
    }

    public int HttpPort => ((IPEndPoint)http.LocalEndpoint).Port;
    public IPEndPoint SsdpEndpoint => (IPEndPoint)ssdp.Client.LocalEndPoint!;
    public Uri DescriptionUrl => new($"http://127.0.0.1:{HttpPort}/desc.xml");

    /// <summary>The LOCATION header sent in SSDP answers (a test may break it).</summary>
    public string Location { get; set; }

    /// <summary>The device description served at /desc.xml (a test may break it).</summary>
    public string Description { get; set; }

    /// <summary>What GetExternalIPAddress answers.</summary>
    public string ExternalAddress { get; set; } = "11.0.0.1";

    /// <summary>Answer every AddPortMapping with this UPnP error.</summary>
    public int? FaultOnAdd { get; set; }

    /// <summary>Refuse non-zero leases with 725, as old IGDv1 routers do.</summary>
    public bool OnlyPermanentLeases { get; set; }

    /// <summary>
    /// Another LAN host grabs the next port we add just before us, and the router keeps its mapping
    /// while answering us "OK": a router that does not report conflicts.
    /// </summary>
    public bool RaceAndHideNextConflict { get; set; }

    /// <summary>The mapping table: (external port, "UDP"/"TCP") to (client, internal port, lease).</summary>
    public ConcurrentDictionary<(int Port, string Protocol), (string Client, int InternalPort, long Lease)> Table { get; } = new();

    /// <summary>Every SOAP action received, with its arguments, in order.</summary>
    public ConcurrentQueue<(string Action, IReadOnlyDictionary<string, string> Arguments)> Calls { get; } = new();

    async Task ServeSsdpAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var request = await ssdp.ReceiveAsync(stop.Token);
                if (!Encoding.ASCII.GetString(request.Buffer).StartsWith("M-SEARCH", StringComparison.Ordinal)) continue;
                var answer = $"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n" +
                    $"USN: uuid:stand-in::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: stand-in/1.0 UPnP/1.0\r\nLOCATION: {Location}\r\n\r\n";
                await ssdp.SendAsync(Encoding.ASCII.GetBytes(answer), request.RemoteEndPoint, stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested) { return; }
            catch (SocketException) { }
        }
    }

    async Task ServeHttpAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await http.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try { await HandleAsync(client.GetStream()); }
                    catch (Exception e) when (e is IOException or SocketException) { }
                }
            });
        }
    }

    async Task HandleAsync(NetworkStream stream)
    {
        var reader = new StreamReader(stream, Encoding.UTF8);
        var requestLine = await reader.ReadLineAsync() ?? "";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
            headers[line[..line.IndexOf(':')]] = line[(line.IndexOf(':') + 1)..].Trim();
        var body = new char[int.Parse(headers.GetValueOrDefault("Content-Length", "0"), CultureInfo.InvariantCulture)];
        for (var read = 0; read < body.Length;) read += await reader.ReadAsync(body.AsMemory(read));

        var (status, text) = requestLine.StartsWith("GET /desc.xml", StringComparison.Ordinal) ? (200, Description)
            : requestLine.StartsWith("POST /ctl/ip", StringComparison.Ordinal) ? Control(headers.GetValueOrDefault("SOAPAction", ""), new string(body))
            : (404, "not here");
        var bytes = Encoding.UTF8.GetBytes(text);
        var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
    }

    (int, string) Control(string soapAction, string body)
    {
        var action = soapAction.Trim('"')[(soapAction.Trim('"').IndexOf('#') + 1)..];
        var call = XDocument.Parse(body).Descendants().First(e => e.Name.LocalName == action);
        var args = call.Elements().ToDictionary(e => e.Name.LocalName, e => e.Value);
        Calls.Enqueue((action, args));
        (int, string) Ok(string outputs = "") => (200,
            $"<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:{action}Response xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">{outputs}</u:{action}Response></s:Body></s:Envelope>");
        var key = (int.Parse(args.GetValueOrDefault("NewExternalPort", "0"), CultureInfo.InvariantCulture), args.GetValueOrDefault("NewProtocol", ""));
        switch (action)
        {
            case "GetExternalIPAddress":
                return Ok($"<NewExternalIPAddress>{ExternalAddress}</NewExternalIPAddress>");
            case "GetGenericPortMappingEntry":
                return Fault(713, "SpecifiedArrayIndexInvalid"); // like many routers: no listing
            case "GetSpecificPortMappingEntry":
                return Table.TryGetValue(key, out var e)
                    ? Ok($"<NewInternalPort>{e.InternalPort}</NewInternalPort><NewInternalClient>{e.Client}</NewInternalClient><NewEnabled>1</NewEnabled><NewPortMappingDescription>x</NewPortMappingDescription><NewLeaseDuration>{e.Lease}</NewLeaseDuration>")
                    : Fault(714, "NoSuchEntryInArray");
            case "AddPortMapping":
                if (FaultOnAdd is int code) return Fault(code, "ActionFailed");
                var lease = long.Parse(args["NewLeaseDuration"], CultureInfo.InvariantCulture);
                if (OnlyPermanentLeases && lease != 0) return Fault(725, "OnlyPermanentLeasesSupported");
                if (RaceAndHideNextConflict)
                {
                    RaceAndHideNextConflict = false;
                    Table[key] = ("198.51.100.77", 5000, 0);
                    return Ok();
                }
                Table[key] = (args["NewInternalClient"], int.Parse(args["NewInternalPort"], CultureInfo.InvariantCulture), lease);
                return Ok();
            case "DeletePortMapping":
                return Table.TryRemove(key, out _) ? Ok() : Fault(714, "NoSuchEntryInArray");
            default:
                return Fault(401, "Invalid Action");
        }
    }

    static (int, string) Fault(int code, string description) => (500,
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>" +
        $"<detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>{code}</errorCode><errorDescription>{description}</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>");

    /// <summary>An IGDv1 description with a relative controlURL resolved against URLBase.</summary>
    public static string DescriptionXml(string urlBase) => $"""
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0">
          <specVersion><major>1</major><minor>0</minor></specVersion>
          <URLBase>{urlBase}</URLBase>
          <device>
            <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
            <friendlyName>Stand-in router</friendlyName>
            <deviceList><device>
              <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
              <deviceList><device>
                <deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
                <friendlyName>WAN connection</friendlyName>
                <serviceList><service>
                  <serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
                  <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
                  <controlURL>ctl/ip</controlURL>
                </service></serviceList>
              </device></deviceList>
            </device></deviceList>
          </device>
        </root>
        """;

    public void Dispose()
    {
        stop.Cancel();
        http.Stop();
        ssdp.Dispose();
    }
}
