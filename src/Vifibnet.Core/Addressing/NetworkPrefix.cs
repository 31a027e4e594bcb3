using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Vifibnet.Addressing;

/// <summary>An IPv6 prefix such as 2001:db8:42::/48: the network's prefix, or a node's subnet inside it.</summary>
public readonly record struct NetworkPrefix
{
    /// <summary>The prefix bits, left-aligned in 128 bits; host bits are zero.</summary>
    public UInt128 Bits { get; }

    /// <summary>Prefix length in bits (0..128).</summary>
    public int Length { get; }

    public NetworkPrefix(UInt128 bits, int length)
    {
        if (length is < 0 or > 128)
            throw new AddressingException($"prefix length {length} is outside 0..128");
        Bits = bits & Mask(length);
        Length = length;
    }

    /// <summary>The first address of the prefix.</summary>
    public IPAddress Address => ToAddress(Bits);

    /// <summary>Parses "2001:db8:42::/48".</summary>
    public static NetworkPrefix Parse(string text)
    {
        if (!TryParse(text, out var prefix, out var error))
            throw new AddressingException(error);
        return prefix;
    }

    public static bool TryParse(string? text, out NetworkPrefix prefix, out string error)
    {
        prefix = default;
        var slash = text?.IndexOf('/') ?? -1;
        if (text is null || slash < 0)
        {
            error = $"'{text}' is not an IPv6 prefix: expected ADDRESS/LENGTH such as 2001:db8:42::/48";
            return false;
        }
        if (!IPAddress.TryParse(text[..slash], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            error = $"'{text[..slash]}' is not an IPv6 address";
            return false;
        }
        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > 128)
        {
            error = $"'{text[(slash + 1)..]}' is not a prefix length in 0..128";
            return false;
        }
        var bits = FromAddress(address);
        if ((bits & ~Mask(length)) != 0)
        {
            error = $"'{text}' has bits set after the first {length}: did you mean {ToAddress(bits & Mask(length))}/{length}?";
            return false;
        }
        prefix = new NetworkPrefix(bits, length);
        error = "";
        return true;
    }

    /// <summary>
    /// The CA serial number that carries this prefix, as the seed documents:
    /// a leading 1 bit, then the prefix bits (2001:db8:42::/48 ⇔ 0x120010db80042).
    /// </summary>
    public BigInteger ToSerial()
    {
        var value = Length == 0 ? BigInteger.Zero : (BigInteger)(Bits >> (128 - Length));
        return (BigInteger.One << Length) | value;
    }

    /// <summary>Reads the prefix back out of a CA serial number.</summary>
    public static NetworkPrefix FromSerial(BigInteger serial)
    {
        if (serial.Sign <= 0)
            throw new AddressingException("the CA serial number must be positive to carry a network prefix");
        var length = (int)serial.GetBitLength() - 1;
        if (length > 128)
            throw new AddressingException($"the CA serial number has {length + 1} bits: more than a 1 bit and a 128-bit IPv6 prefix");
        var value = serial - (BigInteger.One << length);
        var bits = length == 0 ? UInt128.Zero : (UInt128)value << (128 - length);
        return new NetworkPrefix(bits, length);
    }

    /// <summary>Reads the prefix out of a serial as X509Certificate2.SerialNumber gives it (big-endian hex).</summary>
    public static NetworkPrefix FromSerialHex(string hex)
    {
        if (!BigInteger.TryParse("0" + hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var serial))
            throw new AddressingException($"'{hex}' is not a hexadecimal serial number");
        return FromSerial(serial);
    }

    /// <summary>The big-endian serial bytes to give CertificateRequest.Create.</summary>
    public byte[] ToSerialBytes() => ToSerial().ToByteArray(isUnsigned: true, isBigEndian: true);

    /// <summary>The subnet of a node prefix inside this network.</summary>
    public NetworkPrefix Append(NodePrefix node)
    {
        if (Length + node.Length > 128)
            throw new AddressingException($"node prefix /{node.Length} does not fit under /{Length}");
        var bits = node.Length == 0 ? UInt128.Zero : (UInt128)node.Value << (128 - Length - node.Length);
        return new NetworkPrefix(Bits | bits, Length + node.Length);
    }

    /// <summary>True when the address lies inside this prefix.</summary>
    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && (FromAddress(address) & Mask(Length)) == Bits;

    /// <summary>True when the other prefix lies inside (or equals) this one.</summary>
    public bool Contains(NetworkPrefix other) => other.Length >= Length && (other.Bits & Mask(Length)) == Bits;

    public override string ToString() => $"{Address}/{Length}";

    internal static UInt128 Mask(int length) => length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length);

    internal static UInt128 FromAddress(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        UInt128 value = 0;
        foreach (var b in bytes) value = (value << 8) | b;
        return value;
    }

    internal static IPAddress ToAddress(UInt128 value)
    {
        var bytes = new byte[16];
        for (var i = 15; i >= 0; i--, value >>= 8) bytes[i] = (byte)value;
        return new IPAddress(bytes);
    }
}
