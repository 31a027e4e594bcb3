using System.Net;
using System.Text.Json;
using Vifibnet.Protocol;
using Vifibnet.Tests.Node;
using Vifibnet.Tests.Support;
using static Vifibnet.Tests.Registry.RegistryHttpTests;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 5 of issue 11: a node whose certificate row the admin deleted, or whose certificate the CA
/// signed but the registry never recorded, still authenticated. Over real HTTP, each is now refused
/// with certificate_unknown and changes nothing; a recorded node goes on being served.
/// </summary>
public sealed class UnrecordedCertificateTests
{
    static readonly HttpClient Http = new();

    static async Task<(HttpStatusCode Status, string Code)> DeclareAsync(TestRegistry registry, System.Security.Cryptography.X509Certificates.X509Certificate2 cert,
        System.Security.Cryptography.RSA key)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DeclareRequest("198.51.100.7,1194,udp"), RegistryJson.Options);
        using var response = await Http.SendAsync(Signed(HttpMethod.Post, new Uri(registry.Uri(), "/v1/peers"), cert, key, body));
        if (response.IsSuccessStatusCode) return (response.StatusCode, "");
        var error = await RegistryAnswer.ErrorAsync(response);
        return (response.StatusCode, error.Error);
    }

    [Fact]
    public async Task ACertificateWhoseRowWasDeletedIsRefused()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var cert = await registry.RegisterAsync(keys);
        Assert.Equal(HttpStatusCode.OK, (await DeclareAsync(registry, cert, keys.Key)).Status);

        var prefix = Vifibnet.Addressing.NodePrefix.ParseCommonName(cert.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
        registry.Db.Write((c, t) =>
        {
            using var revoke = c.CreateCommand();
            revoke.Transaction = t;
            revoke.CommandText = "UPDATE cert SET cert = NULL, email = NULL WHERE prefix = $p";
            revoke.Parameters.AddWithValue("$p", prefix.ToBinary());
            Assert.Equal(1, revoke.ExecuteNonQuery());
        });
        var before = registry.Snapshot();
        Assert.Equal((HttpStatusCode.Forbidden, "certificate_unknown"), await DeclareAsync(registry, cert, keys.Key));
        Assert.Equal(before, registry.Snapshot());
    }

    [Fact]
    public async Task ACertificateTheCaSignedButTheRegistryNeverIssuedIsRefused()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var recorded = await registry.RegisterAsync(keys); // prefix 0
        using var certificates = new TestCertificates(registry.Ca);
        // Same CA, same prefix as the recorded node (0/16) and another never recorded (5/16): a stolen CA signature, a DB restored from backup.
        using var twin = certificates.Issue(0, keys.Key);
        using var stray = certificates.Issue(5, keys.Key);
        var before = registry.Snapshot();
        Assert.Equal((HttpStatusCode.Forbidden, "certificate_unknown"), await DeclareAsync(registry, twin, keys.Key));
        Assert.Equal((HttpStatusCode.Forbidden, "certificate_unknown"), await DeclareAsync(registry, stray, keys.Key));
        Assert.Equal(before, registry.Snapshot());
        Assert.Equal(HttpStatusCode.OK, (await DeclareAsync(registry, recorded, keys.Key)).Status);
    }
}
