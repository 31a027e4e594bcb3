using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Vifibnet.Certificates;

/// <summary>
/// RSA public keys handed to OpenSSL without its DER decoders. .NET imports every key through OpenSSL 3.0's
/// OSSL_DECODER, which looks its decoders up under global read-write locks on each call: ~100 µs per key
/// here, four times the RSA check that follows (issue 15, measured with perf). Building the key from its
/// modulus and exponent (RSA_set0_key) takes ~1 µs; the signature check itself is still OpenSSL's, through
/// <see cref="RSAOpenSsl"/>. Where libcrypto.so.3 cannot be loaded, .NET's own import is used.
/// </summary>
public static class RsaPublicKeys
{
    static volatile bool nativeUnavailable = !OperatingSystem.IsLinux();

    /// <summary>False once libcrypto.so.3 could not be used (not Linux, another OpenSSL): keys are then imported by .NET.</summary>
    public static bool BuildsKeysInOpenSsl => !nativeUnavailable;

    /// <summary>The key of a PKCS#1 RSAPublicKey (SEQUENCE { modulus, publicExponent }, DER); throws <see cref="CryptographicException"/> when it is not one.</summary>
    public static RSA FromRsaPublicKey(ReadOnlySpan<byte> pkcs1)
    {
        byte[] modulus, exponent;
        try
        {
            var reader = new AsnReader(pkcs1.ToArray(), AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            modulus = Positive(sequence.ReadIntegerBytes().Span);
            exponent = Positive(sequence.ReadIntegerBytes().Span);
            sequence.ThrowIfNotEmpty();
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException($"not an RSA public key: {e.Message}", e);
        }
        if (!nativeUnavailable && OperatingSystem.IsLinux())
        {
            try
            {
                return Native(modulus, exponent);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                nativeUnavailable = true; // another OpenSSL than 3.x: .NET's import from now on
            }
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = exponent });
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>The big-endian magnitude of a positive INTEGER's content (its sign byte dropped); throws when it is zero or negative.</summary>
    static byte[] Positive(ReadOnlySpan<byte> integer)
    {
        if (integer.IsEmpty || (integer[0] & 0x80) != 0)
            throw new CryptographicException("an RSA key's modulus and exponent must be positive");
        var start = 0;
        while (start < integer.Length && integer[start] == 0) start++;
        if (start == integer.Length) throw new CryptographicException("an RSA key's modulus and exponent must not be zero");
        return integer[start..].ToArray();
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    static RSAOpenSsl Native(byte[] modulus, byte[] exponent)
    {
        var rsa = Libcrypto.RSA_new();
        if (rsa == 0) throw new CryptographicException("OpenSSL could not allocate an RSA key");
        nint n = Libcrypto.BN_bin2bn(modulus, modulus.Length, 0), e = Libcrypto.BN_bin2bn(exponent, exponent.Length, 0);
        if (n == 0 || e == 0 || Libcrypto.RSA_set0_key(rsa, n, e, 0) != 1)
        {
            Libcrypto.BN_free(n);
            Libcrypto.BN_free(e);
            Libcrypto.RSA_free(rsa);
            throw new CryptographicException("OpenSSL refused the RSA key's modulus and exponent");
        }
        var pkey = Libcrypto.EVP_PKEY_new();
        if (pkey == 0 || Libcrypto.EVP_PKEY_assign(pkey, Libcrypto.EvpPkeyRsa, rsa) != 1)
        {
            Libcrypto.EVP_PKEY_free(pkey);
            Libcrypto.RSA_free(rsa); // frees n and e with it
            throw new CryptographicException("OpenSSL could not make an EVP_PKEY of the RSA key");
        }
        // RSAOpenSsl takes its own reference; ours goes with the handle.
        using var handle = new SafeEvpPKeyHandle(pkey, ownsHandle: true);
        return new RSAOpenSsl(handle);
    }

    static class Libcrypto
    {
        const string Library = "libcrypto.so.3";
        public const int EvpPkeyRsa = 6; // NID_rsaEncryption

        [DllImport(Library)] public static extern nint RSA_new();
        [DllImport(Library)] public static extern void RSA_free(nint rsa);
        [DllImport(Library)] public static extern nint BN_bin2bn(byte[] bytes, int length, nint reuse);
        [DllImport(Library)] public static extern void BN_free(nint bn);
        [DllImport(Library)] public static extern int RSA_set0_key(nint rsa, nint n, nint e, nint d);
        [DllImport(Library)] public static extern nint EVP_PKEY_new();
        [DllImport(Library)] public static extern void EVP_PKEY_free(nint pkey);
        [DllImport(Library)] public static extern int EVP_PKEY_assign(nint pkey, int type, nint key);
    }
}
