using System.Security.Cryptography;
using System.Text;
using Vifibnet.Protocol;

namespace Vifibnet.Tests.Registry;

public class SealedBoxTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(5000)] // far more than RSA-OAEP alone could carry with a 2048-bit key
    public void OnlyTheRecipientOpensIt(int size)
    {
        using var recipient = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var payload = RandomNumberGenerator.GetBytes(size);
        var box = SealedBox.Seal(recipient, payload);
        Assert.Equal(payload, box.Open(recipient));
        Assert.ThrowsAny<CryptographicException>(() => box.Open(other));
    }

    [Fact]
    public void ATamperedBoxDoesNotOpen()
    {
        using var recipient = RSA.Create(2048);
        var box = SealedBox.Seal(recipient, Encoding.UTF8.GetBytes("{\"prefix\":\"01\",\"address\":\"198.51.100.1,1194,udp\"}"));
        var bytes = Convert.FromBase64String(box.Ciphertext);
        bytes[3] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => (box with { Ciphertext = Convert.ToBase64String(bytes) }).Open(recipient));
        Assert.ThrowsAny<CryptographicException>(() => (box with { Tag = "not base64!" }).Open(recipient));
    }

    [Fact]
    public void SignaturesCoverMethodPathTimestampNonceAndBody()
    {
        var a = NodeRequestSignature.Canonical("get", "/v1/peers?n=5", 100, "ab", []);
        Assert.Equal("vifibnet-v1\nGET\n/v1/peers?n=5\n100\nab\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Encoding.UTF8.GetString(a));
        Assert.NotEqual(a, NodeRequestSignature.Canonical("GET", "/v1/peers?n=6", 100, "ab", []));
        Assert.NotEqual(a, NodeRequestSignature.Canonical("GET", "/v1/peers?n=5", 101, "ab", []));
        Assert.NotEqual(a, NodeRequestSignature.Canonical("GET", "/v1/peers?n=5", 100, "ac", []));
        Assert.NotEqual(a, NodeRequestSignature.Canonical("GET", "/v1/peers?n=5", 100, "ab", [1]));
    }
}
