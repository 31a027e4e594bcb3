using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;

namespace Vifibnet.Setup;

/// <summary>The -r NAME VALUE attributes a certificate request may carry, checked and turned into a subject.</summary>
public static class SubjectAttributes
{
    // The registry's own allow-list (SubjectPolicy), by name: what setup sends is what the registry signs.
    static readonly Dictionary<string, string> Oids = SubjectPolicy.Allowed.ToDictionary(a => a.Value, a => a.Key, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Names => Oids.Keys;

    /// <summary>The subject for the CSR; throws <see cref="SetupException"/> (InvalidAttribute) naming a bad name or value.</summary>
    public static X500DistinguishedName Build(IEnumerable<KeyValuePair<string, string>> attributes)
    {
        var builder = new X500DistinguishedNameBuilder();
        var hasCn = false;
        foreach (var (name, value) in attributes)
        {
            if (!Oids.TryGetValue(name ?? "", out var oid))
                throw new SetupException(SetupErrorKind.InvalidAttribute,
                    $"-r: '{name}' is not a certificate subject attribute name; use one of {string.Join(", ", Oids.Keys)}");
            if (string.IsNullOrEmpty(value) || value.Length > 64)
                throw new SetupException(SetupErrorKind.InvalidAttribute, $"-r {name}: the value must be 1 to 64 characters");
            try
            {
                switch (oid)
                {
                    case "2.5.4.6": builder.AddCountryOrRegion(value); break;
                    case "1.2.840.113549.1.9.1": builder.AddEmailAddress(value); break;
                    default: builder.Add(oid, value); break;
                }
            }
            catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new SetupException(SetupErrorKind.InvalidAttribute, $"-r {name} '{value}': {e.Message}", e);
            }
            hasCn |= oid == "2.5.4.3";
        }
        // The registry replaces CN with the node prefix; a placeholder keeps the request well-formed.
        if (!hasCn) builder.AddCommonName("vifibnet node");
        var subject = builder.Build();
        try { SubjectPolicy.Check(subject); } // control characters, too many attributes: refused here, before any request
        catch (CertificateException e) { throw new SetupException(SetupErrorKind.InvalidAttribute, $"-r: {e.Message}", e); }
        return subject;
    }
}
