using System.Globalization;
using System.Security;
using System.Text;
using System.Xml.Linq;

namespace Vifibnet.Nat;

/// <summary>The SOAP 1.1 envelopes of UPnP control: building a request, reading a response or a fault.</summary>
public static class SoapMessage
{
    const string EnvelopeNs = "http://schemas.xmlsoap.org/soap/envelope/";

    /// <summary>The request body for <paramref name="action"/> of <paramref name="serviceType"/>, arguments in the given order (UPnP requires it).</summary>
    public static string Request(string serviceType, string action, IEnumerable<KeyValuePair<string, string>> arguments)
    {
        var body = new StringBuilder();
        body.Append("<?xml version=\"1.0\"?>\r\n")
            .Append("<s:Envelope xmlns:s=\"").Append(EnvelopeNs).Append("\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">")
            .Append("<s:Body><u:").Append(action).Append(" xmlns:u=\"").Append(SecurityElement.Escape(serviceType)).Append("\">");
        foreach (var (name, value) in arguments)
            body.Append('<').Append(name).Append('>').Append(SecurityElement.Escape(value)).Append("</").Append(name).Append('>');
        body.Append("</u:").Append(action).Append("></s:Body></s:Envelope>\r\n");
        return body.ToString();
    }

    /// <summary>
    /// The output arguments of a response (by name), or throws: <see cref="UpnpFaultException"/> for
    /// a UPnP fault, <see cref="NatException"/> for anything unreadable.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadResponse(string xml, string action, Uri controlUrl)
    {
        var document = IgdDescription.ParseXml(xml, $"{action} answer from {controlUrl}");
        var body = document.Root!.Elements().FirstOrDefault(e => e.Name.LocalName == "Body")
            ?? throw new NatException($"{action} answer from {controlUrl} has no SOAP Body");
        var fault = body.Elements().FirstOrDefault(e => e.Name.LocalName == "Fault");
        if (fault is not null) throw ReadFault(fault, action, controlUrl);
        var response = body.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Response")
            ?? throw new NatException($"{action} answer from {controlUrl} has no {action}Response element");
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in response.Elements()) outputs[argument.Name.LocalName] = argument.Value.Trim();
        return outputs;
    }

    /// <summary>True when the body is a SOAP fault (gateways send faults with HTTP 500).</summary>
    public static bool TryReadFault(string xml, string action, Uri controlUrl, out UpnpFaultException? fault)
    {
        fault = null;
        try
        {
            ReadResponse(xml, action, controlUrl);
            return false;
        }
        catch (UpnpFaultException e)
        {
            fault = e;
            return true;
        }
        catch (NatException)
        {
            return false;
        }
    }

    static UpnpFaultException ReadFault(XElement fault, string action, Uri controlUrl)
    {
        var error = fault.Descendants().FirstOrDefault(e => e.Name.LocalName == "UPnPError");
        var codeText = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "errorCode")?.Value.Trim();
        var description = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "errorDescription")?.Value.Trim();
        if (!int.TryParse(codeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
        {
            // Not a UPnP error: keep the SOAP faultstring so the log says what the gateway said.
            var faultString = fault.Elements().FirstOrDefault(e => e.Name.LocalName == "faultstring")?.Value.Trim();
            return new UpnpFaultException(action, controlUrl, 0, $"SOAP fault without a UPnP error code: {faultString}");
        }
        if (string.IsNullOrEmpty(description)) description = UpnpErrorCode.NameOf(code);
        return new UpnpFaultException(action, controlUrl, code, description);
    }
}
