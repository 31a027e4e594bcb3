using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Certificates;

/// <summary>
/// What a node may ask to have in its certificate's subject: a few well-known attributes with short,
/// printable values. The rest of the network reads these certificates (openvpn logs, status pages),
/// so NUL bytes, right-to-left overrides or hundreds of attributes must not get signed.
/// </summary>
public static class SubjectPolicy
{
    public const int MaxAttributes = 8, MaxValueLength = 64;

    /// <summary>The attributes a subject may carry, by OID, with the names setup's -r takes (CN is replaced by the node prefix anyway).</summary>
    public static readonly IReadOnlyDictionary<string, string> Allowed = new Dictionary<string, string>
    {
        ["2.5.4.6"] = "C", ["2.5.4.8"] = "ST", ["2.5.4.7"] = "L", ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU",
        ["2.5.4.3"] = "CN", ["1.2.840.113549.1.9.1"] = "emailAddress", ["2.5.4.5"] = "serialNumber",
        ["2.5.4.12"] = "title", ["2.5.4.42"] = "GN", ["2.5.4.4"] = "SN", ["2.5.4.9"] = "street",
        ["2.5.4.17"] = "postalCode", ["0.9.2342.19200300.100.1.25"] = "DC",
    };

    /// <summary>The subject's attributes in order (OID, value); throws <see cref="CertificateException"/> naming what is not allowed.</summary>
    public static IReadOnlyList<(string Oid, string Value)> Check(X500DistinguishedName subject)
    {
        var attributes = new List<(string, string)>();
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (rdn.HasMultipleElements)
                throw new CertificateException("the subject has a multi-valued attribute (a+b=...): one attribute per RDN");
            var oid = rdn.GetSingleElementType().Value ?? "";
            if (!Allowed.TryGetValue(oid, out var name))
                throw new CertificateException($"the subject attribute {oid} is not allowed (allowed: {string.Join(", ", Allowed.Values)})");
            var value = rdn.GetSingleElementValue() ?? "";
            if (value.Length > MaxValueLength)
                throw new CertificateException($"the subject's {name} is {value.Length} characters long: at most {MaxValueLength}");
            foreach (var c in value)
                if (!Printable(c))
                    throw new CertificateException($"the subject's {name} contains the control or format character U+{(int)c:X4}");
            attributes.Add((oid, value));
        }
        if (attributes.Count > MaxAttributes)
            throw new CertificateException($"the subject has {attributes.Count} attributes: at most {MaxAttributes}");
        return attributes;
    }

    /// <summary>Letters, marks, digits, punctuation, symbols and the plain space; no controls, format (bidi) or unassigned characters.</summary>
    static bool Printable(char c) => c == ' ' || char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
