using System.Xml;
using System.Xml.Linq;

namespace Vifibnet.Nat;

/// <summary>Reads a UPnP device description and finds the WAN connection services that map ports.</summary>
public static class IgdDescription
{
    /// <summary>The services that offer AddPortMapping, best first.</summary>
    public static readonly IReadOnlyList<string> WanServiceTypes =
    [
        "urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANPPPConnection:1",
    ];

    /// <summary>
    /// Every WAN connection service in the description at <paramref name="location"/>, best type
    /// first, control URLs made absolute (against URLBase when given, else the description URL).
    /// Throws <see cref="NatException"/> naming the URL for malformed XML or a bad control URL.
    /// </summary>
    public static IReadOnlyList<IgdService> FindWanServices(string xml, Uri location)
    {
        var document = ParseXml(xml, $"device description {location}");
        var root = document.Root!;
        var baseUri = location;
        var urlBase = Child(root, "URLBase")?.Trim();
        if (!string.IsNullOrEmpty(urlBase))
        {
            if (!Uri.TryCreate(urlBase, UriKind.Absolute, out var declared) || declared.Scheme != Uri.UriSchemeHttp)
                throw new NatException($"device description {location}: URLBase '{urlBase}' is not an http:// URL");
            baseUri = declared;
        }

        var found = new List<(int Rank, IgdService Service)>();
        foreach (var service in root.Descendants().Where(e => e.Name.LocalName == "service"))
        {
            var type = Child(service, "serviceType")?.Trim() ?? "";
            var rank = IndexOf(type);
            if (rank < 0) continue;
            var control = Child(service, "controlURL")?.Trim();
            if (string.IsNullOrEmpty(control))
                throw new NatException($"device description {location}: service {type} has no controlURL");
            if (!Uri.TryCreate(baseUri, control, out var controlUrl) || controlUrl.Scheme != Uri.UriSchemeHttp)
                throw new NatException($"device description {location}: controlURL '{control}' of {type} is not a usable http URL");
            var device = service.Ancestors().FirstOrDefault(e => e.Name.LocalName == "device");
            var name = device is null ? "" : Child(device, "friendlyName")?.Trim() ?? "";
            found.Add((rank, new IgdService(type, controlUrl, location, name)));
        }
        return found.OrderBy(f => f.Rank).Select(f => f.Service).ToList();
    }

    /// <summary>Parses XML from a gateway: no DTDs (no entity expansion tricks), errors name the source and line.</summary>
    internal static XDocument ParseXml(string xml, string source)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            var document = XDocument.Load(reader, LoadOptions.None);
            if (document.Root is null) throw new NatException($"{source}: empty XML document");
            return document;
        }
        catch (XmlException e)
        {
            throw new NatException($"{source}: malformed XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}", e);
        }
    }

    static int IndexOf(string type)
    {
        for (var i = 0; i < WanServiceTypes.Count; i++)
            if (string.Equals(WanServiceTypes[i], type, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    static string? Child(XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;
}
