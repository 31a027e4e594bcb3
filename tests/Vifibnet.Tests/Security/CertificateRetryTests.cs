using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vifibnet.Certificates;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 10 of issue 11: the registry commits a certificate and the answer never reaches the node
/// (connection closed, registry killed). The real `vifibnet registry`, restarted on the same DB, gives
/// the recorded certificate to a retry with the same token and key, and nothing to another key.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CertificateRetryTests
{
    [Fact]
    public async Task ALostAnswerIsRecoveredByRetryingWithTheSameTokenAndKey()
    {
        using var dir = new TempDir();
        var net = dir.File("net");
        Assert.Equal(0, (await CliRun.RunAsync("new-registry", "--dir", net, "--network", "2001:db8:42::/48")).Code);
        var db = Path.Combine(net, "registry.db");
        // -v 2: the line per certificate is logged at debug only.
        string[] serve = ["registry", "0", "--db", db, "--ca", Path.Combine(net, "ca.crt"), "--key", Path.Combine(net, "ca.key"), "-v", "2"];
        var token = AdminTokens.Create(db, "node@example.com").Token;
        using var keys = new NodeKeys();

        int port;
        using (var first = new CliRun.Process(serve))
        {
            port = int.Parse(first.WaitFor(@"listening on port (\d+)", TimeSpan.FromSeconds(30)).Groups[1].Value);
            // The request goes out; the registry commits, and is killed (-9) before the node reads any answer.
            var body = JsonSerializer.SerializeToUtf8Bytes(new CertificateRequestMessage(token, keys.Csr()), RegistryJson.Options);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
            var head = $"POST /v1/certificates HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray());
            first.WaitFor("issued certificate for", TimeSpan.FromSeconds(30));
            first.Child.Kill();
            await first.Child.Exited;
        }
        using var second = new CliRun.Process(serve);
        port = int.Parse(second.WaitFor(@"listening on port (\d+)", TimeSpan.FromSeconds(30)).Groups[1].Value);
        using var client = new HttpRegistryClient(HttpRegistryClient.UriFor("127.0.0.1", port));

        using var other = new NodeKeys();
        var spent = await Assert.ThrowsAsync<RegistryCallException>(() => client.RequestCertificateAsync(token, other.Csr()));
        Assert.True(spent.Code == RegistryErrorCode.TokenSpent, spent.Message + "\n" + second.Output);

        var pem = await client.RequestCertificateAsync(token, keys.Csr());
        using var cert = X509Certificate2.CreateFromPem(pem);
        Assert.True(CertificateChecks.MatchesKey(cert, keys.Key));
        Assert.Equal("0/16", cert.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(pem, await client.RequestCertificateAsync(token, keys.Csr())); // and again: the same one
        second.WaitFor("sent again: a retry with the token and key it was issued for", TimeSpan.FromSeconds(5));
        using var registryDb = new RegistryDb(db);
        Assert.Equal(1, registryDb.Read(PrefixAllocator.IssuedCount)); // one certificate, one prefix
    }
}
