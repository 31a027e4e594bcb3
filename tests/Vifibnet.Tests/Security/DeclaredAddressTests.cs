using System.Net;
using System.Text.Json;
using Vifibnet.Protocol;
using Vifibnet.Tests.Support;
using Vifibnet.Tests.Registry;
using static Vifibnet.Tests.Registry.RegistryHttpTests;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 7 of issue 11, at declare time: a member declares addresses no peer can be at (its own
/// loopback, multicast, link-local with a zone, the overlay's addresses...). The real registry over
/// HTTP refuses each with invalid_address and stores nothing; private LAN addresses stay allowed.
/// </summary>
public sealed class DeclaredAddressTests(RegisteredNodeFixture fixture) : IClassFixture<RegisteredNodeFixture>
{
    static readonly HttpClient Http = new();

    async Task<(HttpStatusCode Status, string Body)> DeclareAsync(string address)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DeclareRequest(address), RegistryJson.Options);
        using var response = await Http.SendAsync(Signed(HttpMethod.Post, new Uri(fixture.Registry.Uri(), "/v1/peers"), fixture.Cert, fixture.Keys.Key, body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("127.0.0.1,1194,udp", "Loopback")]
    [InlineData("0.0.0.0,1194,udp", "Unspecified")]
    [InlineData("224.0.0.1,1194,udp", "Multicast")]
    [InlineData("255.255.255.255,1194,udp", "Broadcast")]
    [InlineData("240.0.0.1,1194,udp", "Reserved")]
    [InlineData("169.254.1.1,1194,udp", "LinkLocal")]
    [InlineData("::1,1194,udp", "Loopback")]
    [InlineData("::,1194,udp", "Unspecified")]
    [InlineData("ff02::1,1194,udp", "Multicast")]
    [InlineData("fe80::1%2,1194,udp", "LinkLocal")]
    [InlineData("::ffff:127.0.0.1,1194,udp", "Loopback")]
    [InlineData("2001:db8:42:1::1,1194,udp", "Overlay")]
    [InlineData("198.51.100.1,1194,udp;127.0.0.1,1194,tcp-client", "Loopback")]
    public async Task AnAddressNoPeerCanBeAtIsRefusedAndNothingStored(string address, string refusal)
    {
        var before = fixture.Registry.Snapshot();
        var (status, body) = await DeclareAsync(address);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonSerializer.Deserialize<ErrorResponse>(body, RegistryJson.Options)!;
        Assert.Equal("invalid_address", error.Error);
        Assert.Contains($"({refusal})", error.Message);
        Assert.Equal(before, fixture.Registry.Snapshot());
    }

    [Theory]
    [InlineData("10.1.2.3,1194,udp")]
    [InlineData("192.168.1.10,1194,udp;172.16.0.5,1194,tcp-client")]
    [InlineData("203.0.113.7,1194,udp;2001:db8:1::7,1194,udp")]
    public async Task PublicAndPrivateLanAddressesAreAccepted(string address)
    {
        var (status, body) = await DeclareAsync(address);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(address, JsonSerializer.Deserialize<DeclareResponse>(body, RegistryJson.Options)!.Address);
    }
}
