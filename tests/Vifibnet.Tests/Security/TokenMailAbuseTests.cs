using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 8 of issue 11: an anonymous client asks the real registry (HTTP, real SMTP server) to mail
/// tokens to one victim, then to many addresses. Past the limits each request is refused with
/// rate_limited, no mail goes out and no token is stored; expired tokens do not pile up.
/// </summary>
public sealed class TokenMailAbuseTests
{
    static long TokenRows(TestRegistry registry) => registry.Db.Read(c =>
    {
        using var count = c.CreateCommand();
        count.CommandText = "SELECT count(*) FROM token";
        return (long)count.ExecuteScalar()!;
    });

    [Fact]
    public async Task MailsToOneAddressAndFromOneClientAreLimitedAndRefusalsSendNothing()
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(new RegistryOptions { MailHost = smtp.HostAndPort });
        using var v4 = registry.Client("127.0.0.1");
        using var v6 = registry.Client("::1");

        for (var i = 0; i < 3; i++) await v4.RequestTokenAsync("victim@example.com");
        var before = registry.Snapshot();
        for (var i = 0; i < 20; i++)
        {
            var refused = await Assert.ThrowsAsync<RegistryCallException>(() => v6.RequestTokenAsync("victim@example.com"));
            Assert.Equal((RegistryErrorCode.RateLimited, 429), (refused.Code, refused.Status));
            Assert.Contains("victim@example.com was already sent 3 tokens", refused.Message);
        }
        Assert.Equal(before, registry.Snapshot());

        // One client, many addresses: 10 mails an hour, whoever they go to.
        for (var i = 0; i < 7; i++) await v4.RequestTokenAsync($"user{i}@example.com");
        before = registry.Snapshot();
        var limited = await Assert.ThrowsAsync<RegistryCallException>(() => v4.RequestTokenAsync("someone.else@example.com"));
        Assert.Equal(RegistryErrorCode.RateLimited, limited.Code);
        Assert.Contains("this client (127.0.0.1) already asked for 10 token mails", limited.Message);
        Assert.Equal(before, registry.Snapshot());
        await v6.RequestTokenAsync("someone.else@example.com"); // another client is not held back

        await MailCountAsync(smtp, 11);
        Assert.Equal(11, TokenRows(registry));
    }

    static async Task MailCountAsync(SmtpServer smtp, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (smtp.MessageCount < expected && DateTime.UtcNow < deadline) await Task.Delay(100);
        await Task.Delay(500); // and no more arrive
        Assert.Equal(expected, smtp.MessageCount);
    }

    [Fact]
    public async Task ExpiredTokensArePurgedWhenTokensAreMade()
    {
        using var smtp = new SmtpServer();
        await using var registry = await TestRegistry.StartAsync(new RegistryOptions { MailHost = smtp.HostAndPort });
        var longAgo = new ManualClock(DateTimeOffset.UtcNow.AddDays(-30));
        var recent = AdminTokens.Create(registry.Db.Path, null, clock: new ManualClock(DateTimeOffset.UtcNow.AddDays(-2))); // expired, kept a while to say so
        for (var i = 0; i < 50; i++) AdminTokens.Create(registry.Db.Path, null, clock: longAgo);
        Assert.Equal(51, TokenRows(registry));
        using var client = registry.Client();
        await client.RequestTokenAsync("alice@example.com");
        Assert.Equal(2, TokenRows(registry));
        using var keys = new NodeKeys();
        var expired = await Assert.ThrowsAsync<RegistryCallException>(() => client.RequestCertificateAsync(recent.Token, keys.Csr()));
        Assert.Equal(RegistryErrorCode.TokenExpired, expired.Code);
    }
}
