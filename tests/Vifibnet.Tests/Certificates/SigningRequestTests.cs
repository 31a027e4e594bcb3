using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;

namespace Vifibnet.Tests.Certificates;

/// <summary>
/// The registry checks a CSR's self-signature with an RSA key it builds in OpenSSL from the modulus and
/// exponent (<see cref="RsaPublicKeys"/>), not through .NET's import: these check that this shortcut accepts
/// exactly what .NET's own loader accepts, and refuses what an attacker would send instead.
/// </summary>
public sealed class SigningRequestTests : IDisposable
{
    readonly RSA key = RSA.Create(2048);
    readonly RSA other = RSA.Create(2048);

    string Csr(HashAlgorithmName hash, RSASignaturePadding padding, RSA? signer = null, RSA? carried = null)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=node,O=Example"), new PublicKey(carried ?? key), hash, padding);
        return PemEncoding.WriteString("CERTIFICATE REQUEST", request.CreateSigningRequest(X509SignatureGenerator.CreateForRSA(signer ?? key, padding)));
    }

    static string Tampered(string pem, Func<byte[], int> where)
    {
        var der = Convert.FromBase64String(pem.AsSpan(PemEncoding.Find(pem).Base64Data).ToString());
        der[where(der)] ^= 0x01;
        return PemEncoding.WriteString("CERTIFICATE REQUEST", der);
    }

    [Theory]
    [InlineData("SHA256", false)]
    [InlineData("SHA384", false)]
    [InlineData("SHA512", false)]
    [InlineData("SHA256", true)] // RSA-PSS: .NET's loader checks it
    public void AWellSignedRequestLoadsWithTheKeyItCarries(string hash, bool pss)
    {
        var csr = SigningRequests.LoadVerifiedPem(Csr(new HashAlgorithmName(hash), pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1));
        Assert.Equal("CN=node, O=Example", csr.SubjectName.Name);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), csr.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(RsaPublicKeys.BuildsKeysInOpenSsl, "libcrypto.so.3 could not be used: the registry fell back to .NET's slower import");
    }

    [Theory]
    [InlineData("SHA256", false)]
    [InlineData("SHA384", false)]
    [InlineData("SHA256", true)]
    public void ARequestWithAFlippedBitInItsSignatureOrSubjectIsRefused(string hash, bool pss)
    {
        var pem = Csr(new HashAlgorithmName(hash), pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        Assert.ThrowsAny<CryptographicException>(() => SigningRequests.LoadVerifiedPem(Tampered(pem, der => der.Length - 1)));
        // "node" -> "ooe"+...: the subject's CN lies ~20 bytes in; the signature no longer covers what is read.
        Assert.ThrowsAny<CryptographicException>(() => SigningRequests.LoadVerifiedPem(Tampered(pem, der => der.AsSpan().IndexOf("node"u8))));
    }

    [Fact]
    public void ARequestCarryingAKeyItWasNotSignedWithIsRefused()
    {
        // The attacker holds `other` and asks for a certificate on the victim's public key.
        var pem = Csr(HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, signer: other, carried: key);
        Assert.ThrowsAny<CryptographicException>(() => SigningRequests.LoadVerifiedPem(pem));
    }

    [Fact]
    public void AKeyBuiltFromModulusAndExponentIsTheKeyAndChecksSignatures()
    {
        using var built = RsaPublicKeys.FromRsaPublicKey(key.ExportRSAPublicKey());
        var (mine, theirs) = (key.ExportParameters(false), built.ExportParameters(false));
        Assert.Equal(mine.Modulus, theirs.Modulus);
        Assert.Equal(mine.Exponent, theirs.Exponent);
        var data = "signed"u8.ToArray();
        var signature = key.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(built.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(built.VerifyData(data, other.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        signature[10] ^= 1;
        Assert.False(built.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void WhatIsNotAnRsaPublicKeyIsRefused()
    {
        static byte[] Key(byte[] modulus, byte[] exponent, bool trailing = false)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteInteger(modulus);
                writer.WriteInteger(exponent);
                if (trailing) writer.WriteNull();
            }
            return writer.Encode();
        }
        var modulus = key.ExportParameters(false).Modulus!; // its top bit is set: as an INTEGER it is negative
        Assert.ThrowsAny<CryptographicException>(() => RsaPublicKeys.FromRsaPublicKey(Key(modulus, [1, 0, 1])));
        byte[] positive = [0, .. modulus];
        using (RsaPublicKeys.FromRsaPublicKey(Key(positive, [1, 0, 1]))) { }
        Assert.ThrowsAny<CryptographicException>(() => RsaPublicKeys.FromRsaPublicKey(Key(positive, [0])));
        Assert.ThrowsAny<CryptographicException>(() => RsaPublicKeys.FromRsaPublicKey(Key(positive, [1, 0, 1], trailing: true)));
        Assert.ThrowsAny<CryptographicException>(() => RsaPublicKeys.FromRsaPublicKey([0x30, 0x03, 0x02, 0x01]));
    }

    public void Dispose()
    {
        key.Dispose();
        other.Dispose();
    }
}
