using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

public class TokenStoreTests : IDisposable
{
    readonly TempDir dir = new();
    readonly RegistryDb db;
    readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    public TokenStoreTests() => db = new RegistryDb(dir.File("registry.db"));

    [Fact]
    public void TokensCarryAtLeast128RandomBits()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => TokenStore.NewToken()).ToList();
        Assert.All(tokens, t => Assert.Matches("^[A-Z2-7]{32}$", t)); // 32 base32 characters = 160 bits
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        // Every base32 symbol shows up in every position across 1000 tokens' worth of draws: not a counter.
        Assert.Equal(32, tokens.Select(t => t[0]).Distinct().Count());
    }

    [Fact]
    public void ATokenIsSpentOnce()
    {
        var token = TokenStore.NewToken();
        db.Write((c, t) => TokenStore.Add(c, t, token, "a@example.com", now, now.AddDays(1)));
        Assert.Equal("a@example.com", db.Write((c, t) => TokenStore.Spend(c, t, token, now)));
        var error = Assert.Throws<RequestRefusedException>(() => db.Write((c, t) => TokenStore.Spend(c, t, token, now)));
        Assert.Equal(RegistryErrorCode.TokenSpent, error.Code);
    }

    [Fact]
    public void AnExpiredTokenIsRefusedAndStaysUnspent()
    {
        var token = TokenStore.NewToken();
        db.Write((c, t) => TokenStore.Add(c, t, token, null, now, now + TokenStore.DefaultLifetime));
        var error = Assert.Throws<RequestRefusedException>(() => db.Write((c, t) => TokenStore.Spend(c, t, token, now.AddDays(1).AddSeconds(1))));
        Assert.Equal(RegistryErrorCode.TokenExpired, error.Code);
        Assert.Contains("expired", error.Message);
        // Just inside the day it still works.
        Assert.Null(db.Write((c, t) => TokenStore.Spend(c, t, token, now.AddDays(1).AddSeconds(-1))));
    }

    [Fact]
    public void AnUnknownTokenIsNamedAsSuch()
    {
        var error = Assert.Throws<RequestRefusedException>(() => db.Write((c, t) => TokenStore.Spend(c, t, TokenStore.NewToken(), now)));
        Assert.Equal(RegistryErrorCode.TokenUnknown, error.Code);
    }

    [Fact]
    public void OnlyAHashOfTheTokenIsStored()
    {
        var token = TokenStore.NewToken();
        db.Write((c, t) => TokenStore.Add(c, t, token, null, now, now.AddDays(1)));
        Assert.DoesNotContain(token, File.ReadAllText(db.Path + "-wal", System.Text.Encoding.Latin1) + File.ReadAllText(db.Path, System.Text.Encoding.Latin1));
    }

    [Fact]
    public void AdminTokenNeedsAnExistingDbAndAValidEmail()
    {
        var missing = Assert.Throws<RegistryDbUnavailableException>(() => AdminTokens.Create(dir.File("nope.db"), null));
        Assert.Contains("nope.db", missing.Message);
        Assert.Equal(RegistryErrorCode.InvalidEmail, Assert.Throws<RequestRefusedException>(() => AdminTokens.Create(db.Path, "not an address")).Code);
        // The same rule as a mailed token's: a bare address only.
        Assert.Equal(RegistryErrorCode.InvalidEmail, Assert.Throws<RequestRefusedException>(() => AdminTokens.Create(db.Path, "Bob <b@example.com>")).Code);
        var made = AdminTokens.Create(db.Path, "b@example.com");
        Assert.Equal("b@example.com", db.Write((c, t) => TokenStore.Spend(c, t, made.Token, DateTimeOffset.UtcNow)));
    }

    public void Dispose()
    {
        db.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        dir.Dispose();
    }
}
