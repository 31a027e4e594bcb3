using System.Security.Cryptography;

namespace Vifibnet.Protocol;

/// <summary>
/// A payload sealed to an RSA public key: a fresh AES-256-GCM key encrypts the payload and
/// RSA-OAEP-SHA256 wraps that key, so any payload size works with any RSA key. Base64 fields.
/// </summary>
public sealed record SealedBox(string Key, string Nonce, string Ciphertext, string Tag)
{
    public static SealedBox Seal(RSA recipient, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> aesKey = stackalloc byte[32];
        RandomNumberGenerator.Fill(aesKey);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(aesKey, tag.Length))
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        var wrapped = recipient.Encrypt(aesKey.ToArray(), RSAEncryptionPadding.OaepSHA256);
        CryptographicOperations.ZeroMemory(aesKey);
        return new SealedBox(Convert.ToBase64String(wrapped), Convert.ToBase64String(nonce),
            Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    /// <summary>Opens the box with our private key; throws CryptographicException if it was not sealed to it or was altered.</summary>
    public byte[] Open(RSA privateKey)
    {
        byte[] aesKey, nonce, ciphertext, tag;
        try
        {
            aesKey = privateKey.Decrypt(Convert.FromBase64String(Key), RSAEncryptionPadding.OaepSHA256);
            nonce = Convert.FromBase64String(Nonce);
            ciphertext = Convert.FromBase64String(Ciphertext);
            tag = Convert.FromBase64String(Tag);
        }
        catch (FormatException e)
        {
            throw new CryptographicException("sealed box field is not base64", e);
        }
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(aesKey, tag.Length))
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
        CryptographicOperations.ZeroMemory(aesKey);
        return plaintext;
    }
}
