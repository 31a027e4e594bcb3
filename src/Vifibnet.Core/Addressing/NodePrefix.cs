using System.Globalization;
using System.Numerics;
using System.Text;

namespace Vifibnet.Addressing;

/// <summary>
/// A node's prefix under the network prefix: <see cref="Length"/> bits whose value is <see cref="Value"/>.
/// The seed writes it two ways: in binary ("0000000000000001") on the command line and in the
/// peers DB, and as "value/length" ("1/16") in the certificate's subject CN.
/// </summary>
public readonly record struct NodePrefix
{
    public BigInteger Value { get; }
    public int Length { get; }

    public NodePrefix(BigInteger value, int length)
    {
        if (length is < 1 or > 128)
            throw new AddressingException($"node prefix length {length} is outside 1..128");
        if (value.Sign < 0 || value >= BigInteger.One << length)
            throw new AddressingException($"node prefix value {value} does not fit in {length} bits");
        Value = value;
        Length = length;
    }

    /// <summary>Parses the binary form, e.g. "0000000000000001".</summary>
    public static NodePrefix ParseBinary(string bits)
    {
        if (string.IsNullOrEmpty(bits) || bits.Length > 128 || bits.Any(c => c is not ('0' or '1')))
            throw new AddressingException($"'{bits}' is not a node prefix in binary (1 to 128 characters 0 or 1)");
        var value = BigInteger.Zero;
        foreach (var c in bits) value = (value << 1) | (c - '0');
        return new NodePrefix(value, bits.Length);
    }

    /// <summary>Parses the certificate CN form, e.g. "1/16".</summary>
    public static NodePrefix ParseCommonName(string cn)
    {
        var slash = cn.IndexOf('/');
        if (slash < 0
            || !BigInteger.TryParse(cn[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || !int.TryParse(cn[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            throw new AddressingException($"'{cn}' is not a node prefix in the form VALUE/LENGTH such as 1/16");
        return new NodePrefix(value, length);
    }

    /// <summary>The binary form, zero-padded to <see cref="Length"/>.</summary>
    public string ToBinary()
    {
        var sb = new StringBuilder(Length);
        for (var i = Length - 1; i >= 0; i--) sb.Append(((Value >> i) & 1).IsZero ? '0' : '1');
        return sb.ToString();
    }

    /// <summary>The certificate subject CN form, "value/length".</summary>
    public string ToCommonName() => string.Create(CultureInfo.InvariantCulture, $"{Value}/{Length}");

    /// <summary>True when one prefix is a prefix of (or equal to) the other: their subnets overlap.</summary>
    public bool Overlaps(NodePrefix other)
    {
        var shorter = Math.Min(Length, other.Length);
        return Value >> (Length - shorter) == other.Value >> (other.Length - shorter);
    }

    public override string ToString() => ToBinary();
}
