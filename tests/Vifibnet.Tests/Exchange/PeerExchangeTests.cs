using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Exchange;
using Vifibnet.Peers;
using Vifibnet.Protocol;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Exchange;

/// <summary>
/// Peer exchange over real TCP on loopback with real keys and certificates: what a neighbour hands
/// out, and what a lying member, an outsider, a non-neighbour and a replayer get. (The overlay-only
/// reachability is tested in namespaces by PeerExchangeMeshTests; here the server's source check is
/// given loopback, except where that check itself is tested.)
/// </summary>
public sealed class PeerExchangeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ANeighbourHandsOutItsOwnAndTheVerifiedDeclarationsItHolds()
    {
        await using var net = new ExchangeMembers();
        var (a, b, v) = (net.Add(1), net.Add(2), net.Add(4));
        b.Exchange.Declare("198.51.100.12,1194,udp");
        v.Exchange.Declare("198.51.100.14,1194,udp;2001:db8::14,1194,udp");
        Assert.Equal(1, b.Exchange.Merge(v.Prefix, [v.Exchange.Own!]).Added);
        var server = net.Serve(b, [a]);

        var result = await a.Exchange.AskAsync(b.Prefix, Timeout, CancellationToken.None, server.Endpoint);

        Assert.Equal(new ExchangeResult(b.Prefix, 2, 0, 2), result);
        Assert.Equal("198.51.100.12,1194,udp", a.Db.Find(b.Prefix)!.Address);
        Assert.Equal("198.51.100.14,1194,udp;2001:db8::14,1194,udp", a.Db.Find(v.Prefix)!.Address);
        Assert.Equal(b.Prefix, a.Db.Declarations().Single(d => d.Prefix == v.Prefix).Via);
        // A asks again: nothing new, nothing refused.
        Assert.Equal(new ExchangeResult(b.Prefix, 2, 0, 0), await a.Exchange.AskAsync(b.Prefix, Timeout, CancellationToken.None, server.Endpoint));
        Assert.Equal(2, server.Answered);
    }

    [Fact]
    public async Task ALyingMembersForgedAddressesAreNeitherStoredNorRepeated()
    {
        await using var net = new ExchangeMembers();
        var (a, c, m, v) = (net.Add(1), net.Add(3), net.Add(6), net.Add(4));
        v.Exchange.Declare("198.51.100.14,1194,udp");
        var genuine = v.Exchange.Own!;
        // A knows V from the registry; the liar wants V's traffic to go to its own machine.
        a.Db.AddOrUpdate(new Peer(v.Prefix, genuine.Address));
        const string Forged = "203.0.113.66,1194,udp";
        var now = DateTimeOffset.UtcNow;
        using var outsiderCa = CertificateAuthority.Create(TestCertificates.Network);
        using var outsiderKey = RSA.Create(2048);
        using var outsiderCert = outsiderCa.Issue(new CertificateRequest("CN=x", outsiderKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            new NodePrefix(4, 16), [9], TimeSpan.FromDays(1));
        IReadOnlyList<SignedPeer> lies =
        [
            // V's certificate, a forged address, signed by the liar's key.
            genuine with { Address = Forged, Signature = Sign(m.Key, v.Prefix, Forged, now.ToUnixTimeSeconds()) },
            // V's genuine declaration with the address swapped.
            genuine with { Address = Forged },
            // A genuine but stale declaration of V (2 days old), replayed.
            SignedPeer.Sign(v.Certificate, v.Key, v.Prefix, Forged, now - TimeSpan.FromDays(2)),
            // V's prefix in a certificate of another CA.
            SignedPeer.Sign(outsiderCert, outsiderKey, v.Prefix, Forged, now),
            // The liar declaring itself at loopback, and in the future.
            SignedPeer.Sign(m.Certificate, m.Key, m.Prefix, "127.0.0.1,1194,udp", now),
            SignedPeer.Sign(m.Certificate, m.Key, m.Prefix, Forged, now + TimeSpan.FromHours(1)),
            // What a member may do: declare itself (as it could to the registry).
            SignedPeer.Sign(m.Certificate, m.Key, m.Prefix, "198.51.100.16,1194,udp", now),
        ];
        var liar = net.Serve(m, [a], () => lies);

        var result = await a.Exchange.AskAsync(m.Prefix, Timeout, CancellationToken.None, liar.Endpoint);

        Assert.Equal(new ExchangeResult(m.Prefix, 1, 6, 1), result);
        Assert.Equal(genuine.Address, a.Db.Find(v.Prefix)!.Address);
        Assert.Equal("198.51.100.16,1194,udp", a.Db.Find(m.Prefix)!.Address);
        Assert.DoesNotContain(a.Db.Declarations(), d => d.Prefix == v.Prefix);
        Assert.Contains(net.Log, l => l.Contains("6 declarations from neighbour " + m.Prefix + " refused", StringComparison.Ordinal));

        // C asks A: none of the lies travels on.
        a.Exchange.Declare("198.51.100.11,1194,udp");
        var server = net.Serve(a, [c]);
        await c.Exchange.AskAsync(a.Prefix, Timeout, CancellationToken.None, server.Endpoint);
        Assert.DoesNotContain(c.Db.All(), p => p.Address.Contains("203.0.113.66", StringComparison.Ordinal) || p.Address.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.Null(c.Db.Find(v.Prefix));
        Assert.Equal("198.51.100.16,1194,udp", c.Db.Find(m.Prefix)!.Address);
    }

    [Fact]
    public async Task ARevokedMembersDeclarationIsNeitherTakenNorRepeatedAndItsRequestsAreRefused()
    {
        await using var net = new ExchangeMembers();
        var (a, b, c, r) = (net.Add(1), net.Add(2), net.Add(3), net.Add(5));
        r.Exchange.Declare("198.51.100.15,1194,udp");
        b.Exchange.Declare("198.51.100.12,1194,udp");
        // B learned R's signed declaration before R was revoked; R's certificate is still valid and signed by the CA.
        Assert.Equal(1, b.Exchange.Merge(r.Prefix, [r.Exchange.Own!]).Added);
        var server = net.Serve(b, [a, r]);
        net.Revoked.Add(r.Prefix);

        // B no longer hands R's declaration out, and A would not take it if it did.
        var result = await a.Exchange.AskAsync(b.Prefix, Timeout, CancellationToken.None, server.Endpoint);
        Assert.Equal(new ExchangeResult(b.Prefix, 1, 0, 1), result);
        Assert.Null(a.Db.Find(r.Prefix));
        var liar = net.Serve(c, [a], () => [r.Exchange.Own!]);
        Assert.Equal(new ExchangeResult(c.Prefix, 0, 1, 0), await a.Exchange.AskAsync(c.Prefix, Timeout, CancellationToken.None, liar.Endpoint));
        Assert.Null(a.Db.Find(r.Prefix));
        Assert.Contains(net.Log, l => l.Contains(r.Prefix + " is revoked by the network's CRL", StringComparison.Ordinal));

        // R itself, still a tunnel neighbour of B for the moment, is refused.
        var e = await Assert.ThrowsAsync<PeerExchangeException>(() => r.Exchange.AskAsync(b.Prefix, Timeout, CancellationToken.None, server.Endpoint));
        Assert.Contains("revoked by the network's CRL", e.Message);
        Assert.Equal(0, r.Db.Count);
    }

    [Fact]
    public async Task OutsidersNonNeighboursMisdirectedReplayedAndOversizedRequestsAreRefused()
    {
        await using var net = new ExchangeMembers();
        var (a, b, c) = (net.Add(1), net.Add(2), net.Add(3));
        b.Exchange.Declare("198.51.100.12,1194,udp");
        var server = net.Serve(b, [a]);

        // A member that is not a tunnel neighbour.
        var e = await Assert.ThrowsAsync<PeerExchangeException>(() => c.Exchange.AskAsync(b.Prefix, Timeout, CancellationToken.None, server.Endpoint));
        Assert.Contains("not one of our tunnel neighbours", e.Message);
        Assert.Equal(0, c.Db.Count);

        // An outsider: a certificate of another CA with the neighbour's very prefix.
        using var outsiderCa = CertificateAuthority.Create(TestCertificates.Network);
        using var key = RSA.Create(2048);
        using var cert = outsiderCa.Issue(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), new NodePrefix(1, 16), [7], TimeSpan.FromDays(1));
        e = await Assert.ThrowsAsync<PeerExchangeException>(() => PeerExchangeClient.AskAsync(server.Endpoint, null, b.Prefix, cert, key, Timeout, CancellationToken.None));
        Assert.Contains("not issued by this network's CA", e.Message);

        // A neighbour's request signed for another node (relayed to B) does not verify.
        e = await Assert.ThrowsAsync<PeerExchangeException>(() => PeerExchangeClient.AskAsync(server.Endpoint, null, c.Prefix, a.Certificate, a.Key, Timeout, CancellationToken.None));
        Assert.Contains("signature does not verify", e.Message);

        // The same signed request twice: answered once.
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new ExchangeRequest(Convert.ToBase64String(a.Certificate.RawData), ts, "abc123",
            Convert.ToBase64String(a.Key.SignData(Encoding.UTF8.GetBytes($"vifibnet-px-v1\n{b.Prefix}\n{ts}\nabc123"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        var line = JsonSerializer.Serialize(request, ExchangeJsonContext.Default.ExchangeRequest) + "\n";
        Assert.Contains("\"peers\":[", await SendRawAsync(server.Endpoint, line));
        Assert.Contains("request replayed", await SendRawAsync(server.Endpoint, line));

        // An endless line is cut off, and the server goes on answering.
        Assert.Contains("longer than", await SendRawAsync(server.Endpoint, new string('x', 100_000) + "\n"));
        Assert.Contains("not the JSON expected", await SendRawAsync(server.Endpoint, "{\"certificate\": [1]}\n"));
        Assert.Equal(1, (await a.Exchange.AskAsync(b.Prefix, Timeout, CancellationToken.None, server.Endpoint)).Accepted);
    }

    [Fact]
    public async Task AConnectionFromOutsideTheNetworkGetsNoAnswer()
    {
        await using var net = new ExchangeMembers();
        var (a, b) = (net.Add(1), net.Add(2));
        b.Exchange.Declare("198.51.100.12,1194,udp");
        // The daemon's own rule: only a source inside the overlay network may talk to us.
        var server = net.Serve(b, [a], sourceAllowed: ip => TestCertificates.Network.Contains(ip));
        var e = await Assert.ThrowsAsync<PeerExchangeException>(() => a.Exchange.AskAsync(b.Prefix, Timeout, CancellationToken.None, server.Endpoint));
        // Closed without a word (end of stream, reset or broken pipe, depending on timing).
        Assert.Contains(b.Prefix, e.Message);
        Assert.Equal(0, a.Db.Count);
        Assert.Equal(1, server.Refused);
    }

    [Fact]
    public async Task SecondHandPeersExpireADayAfterTheirNodeDeclaredThem()
    {
        var clock = new ManualClock();
        await using var net = new ExchangeMembers(clock);
        var (a, b, v, r) = (net.Add(1), net.Add(2), net.Add(4), net.Add(5));
        v.Exchange.Declare("198.51.100.14,1194,udp");
        r.Exchange.Declare("198.51.100.15,1194,udp");
        a.Exchange.Merge(b.Prefix, [v.Exchange.Own!, r.Exchange.Own!]);
        Assert.Equal(2, a.Db.Count);
        clock.Advance(TimeSpan.FromHours(20));
        // The registry lists R again: it stays past the declaration's day; V was only second-hand.
        a.Db.AddOrUpdate(new Peer(r.Prefix, "198.51.100.15,1194,udp"));
        Assert.Equal(0, a.Exchange.Expire());
        Assert.Equal(2, a.Exchange.Answer().Count);
        clock.Advance(TimeSpan.FromHours(5));
        Assert.Empty(a.Exchange.Answer());
        Assert.Equal(1, a.Exchange.Expire());
        Assert.Null(a.Db.Find(v.Prefix));
        Assert.NotNull(a.Db.Find(r.Prefix));
        Assert.Empty(a.Db.Declarations());
    }

    [Fact]
    public async Task ADeclarationIsNotRepeatedOnceItsCertificateExpired()
    {
        var clock = new ManualClock();
        await using var net = new ExchangeMembers(clock);
        var (a, b) = (net.Add(1), net.Add(2));
        // B declares under a certificate of one hour, then renews: A still holds the declaration signed with the old one.
        using var shortLived = net.Certificates.Ca.Issue(new CertificateRequest("CN=node", b.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            new NodePrefix(2, 16), [0x20, 0x03], TimeSpan.FromHours(1));
        b.Exchange.UseCertificate(shortLived);
        b.Exchange.Declare("198.51.100.12,1194,udp");
        Assert.Equal(1, a.Exchange.Merge(b.Prefix, [b.Exchange.Own!]).Added);
        Assert.Equal(b.Prefix, Assert.Single(a.Exchange.Answer()).Verify(net.Certificates.Ca.Certificate, TestCertificates.Network, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(2));
        // Still fresh as a declaration (a day), but every member would refuse it now: A no longer hands it out.
        Assert.Empty(a.Exchange.Answer());
    }

    [Fact]
    public async Task OurDeclarationIsSignedAgainWhenTheAddressChangesOrAfterSixHours()
    {
        var clock = new ManualClock();
        await using var net = new ExchangeMembers(clock);
        var ex = net.Add(1).Exchange;
        ex.Declare(null);
        Assert.Null(ex.Own);
        ex.Declare("198.51.100.11,1194,udp");
        var first = ex.Own!;
        Assert.Equal(ex.SelfPrefix, first.Verify(net.Certificates.Ca.Certificate, TestCertificates.Network, clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(1));
        ex.Declare("198.51.100.11,1194,udp");
        Assert.Same(first, ex.Own);
        ex.Declare("2001:db8::11,1194,udp");
        Assert.Equal("2001:db8::11,1194,udp", ex.Own!.Address);
        var second = ex.Own;
        clock.Advance(TimeSpan.FromHours(7));
        ex.Declare("2001:db8::11,1194,udp");
        Assert.True(ex.Own!.Declared > second.Declared);
    }

    [Fact]
    public async Task AfterARenewalTheNodeDeclaresWithItsNewCertificate()
    {
        var clock = new ManualClock();
        await using var net = new ExchangeMembers(clock);
        var b = net.Add(2);
        b.Exchange.Declare("198.51.100.12,1194,udp");
        // The registry renews b's certificate (same key, same prefix, a new serial, a longer life); a day later the
        // first one has expired.
        using var renewed = net.Certificates.Ca.Issue(new CertificateRequest("CN=node", b.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            new NodePrefix(2, 16), [0x20, 0x02], TimeSpan.FromDays(3));
        clock.Advance(TimeSpan.FromHours(25));
        var before = Assert.Throws<PeerExchangeException>(() => b.Exchange.Own!.Verify(net.Certificates.Ca.Certificate, TestCertificates.Network, clock.GetUtcNow()));
        output.WriteLine($"before the swap: {before.Message}");

        b.Exchange.UseCertificate(renewed);

        Assert.Equal(Convert.ToBase64String(renewed.RawData), b.Exchange.Own!.Certificate);
        Assert.Equal(b.Prefix, b.Exchange.Own.Verify(net.Certificates.Ca.Certificate, TestCertificates.Network, clock.GetUtcNow()));
        Assert.Equal("198.51.100.12,1194,udp", b.Exchange.Own.Address);
    }

    static string Sign(RSA key, string prefix, string address, long declared) =>
        Convert.ToBase64String(key.SignData(SignedPeer.Text(prefix, address, declared), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    static async Task<string> SendRawAsync(IPEndPoint server, string text)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server);
        var stream = client.GetStream();
        try { await stream.WriteAsync(Encoding.UTF8.GetBytes(text)); }
        catch (IOException) { /* the server may close while we still write an oversized line */ }
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync() ?? "";
    }
}
