using System.Security.Cryptography.X509Certificates;
using Vifibnet.Certificates;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

/// <summary>Token mail through a real SMTP server (python3-aiosmtpd, Maildir), and through one that is not there.</summary>
public class TokenMailTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task TheMailedTokenCompletesARegistration(string host)
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(new RegistryOptions { MailHost = smtp.HostAndPort });
        using var client = registry.Client(host);
        await client.RequestTokenAsync("alice@example.com");
        var token = smtp.WaitForToken("alice@example.com", TimeSpan.FromSeconds(10));

        using var keys = new NodeKeys();
        using var cert = X509Certificate2.CreateFromPem(await client.RequestCertificateAsync(token, keys.Csr()));
        Assert.True(CertificateChecks.MatchesKey(cert, keys.Key));
        Assert.Contains("alice@example.com", registry.Snapshot()); // the certificate is recorded against the address
        using var other = new NodeKeys(); // the same key again would be a retry, answered with the same certificate
        var again = await Assert.ThrowsAsync<RegistryCallException>(() => client.RequestCertificateAsync(token, other.Csr()));
        Assert.Equal(RegistryErrorCode.TokenSpent, again.Code);
    }

    [Fact]
    public async Task AnUnreachableMailHostIsAClearErrorAndLeavesNoToken()
    {
        var deadPort = FreePort.Get(); // nothing listens there
        await using var registry = await TestRegistry.StartAsync(new RegistryOptions { MailHost = $"127.0.0.1:{deadPort}" });
        using var client = registry.Client();
        var before = registry.Snapshot();
        var error = await Assert.ThrowsAsync<RegistryCallException>(() => client.RequestTokenAsync("bob@example.com"));
        Assert.Equal(RegistryErrorCode.MailFailed, error.Code);
        Assert.Equal(502, error.Status);
        Assert.Contains($"127.0.0.1:{deadPort}", error.Message);
        Assert.Equal(before, registry.Snapshot());
        Assert.Contains("BEGIN CERTIFICATE", await client.GetCaAsync()); // still serving
    }

    [Theory]
    [InlineData("mail.example.com", "mail.example.com", 25)]
    [InlineData("127.0.0.1:2525", "127.0.0.1", 2525)]
    [InlineData("[::1]:2526", "::1", 2526)]
    [InlineData("::1", "::1", 25)]
    public void MailHostIsHostOrHostAndPort(string text, string host, int port) =>
        Assert.Equal((host, port), TokenMailer.ParseHost(text));
}
