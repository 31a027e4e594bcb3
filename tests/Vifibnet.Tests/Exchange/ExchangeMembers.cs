using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Exchange;
using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Exchange;

/// <summary>Members of one test network for peer-exchange tests: real keys, certificates from one CA, a peer DB each, servers on loopback.</summary>
public sealed class ExchangeMembers : IAsyncDisposable
{
    readonly List<IAsyncDisposable> servers = [];
    readonly List<IDisposable> owned = [];

    public TestCertificates Certificates { get; } = new();
    public string Dir { get; } = Directory.CreateTempSubdirectory("vifibnet-exchange-").FullName;
    public List<string> Log { get; } = [];
    public TimeProvider Clock { get; }
    /// <summary>Prefixes every member takes as revoked by the CRL (what NodeRevocations gives a real node).</summary>
    public HashSet<string> Revoked { get; } = [];

    public ExchangeMembers(TimeProvider? clock = null) => Clock = clock ?? TimeProvider.System;

    public sealed record Member(int Number, RSA Key, X509Certificate2 Certificate, string Prefix, PeerDb Db, PeerExchange Exchange);

    public Member Add(int n)
    {
        var key = RSA.Create(2048);
        var cert = Certificates.Issue(n, key);
        var prefix = new NodePrefix(n, 16).ToBinary();
        var db = PeerDb.Open(Path.Combine(Dir, $"n{n}.db"), clock: Clock);
        owned.AddRange([key, cert, db]);
        var logger = new Logger(LogLevel.Debug, r => { lock (Log) Log.Add($"n{n}: {r}"); });
        return new Member(n, key, cert, prefix, db, new PeerExchange(Certificates.Ca.Certificate, cert, key, TestCertificates.Network, prefix, db, logger, Clock, Revoked.Contains));
    }

    /// <summary>A server for <paramref name="member"/> on loopback answering <paramref name="neighbours"/> with <paramref name="answer"/> (default: its honest answer).</summary>
    public PeerExchangeServer Serve(Member member, IEnumerable<Member> neighbours, Func<IReadOnlyList<SignedPeer>>? answer = null,
        Func<IPAddress, bool>? sourceAllowed = null, IPAddress? on = null)
    {
        var allowed = neighbours.Select(n => n.Prefix).ToHashSet();
        var logger = new Logger(LogLevel.Debug, r => { lock (Log) Log.Add($"server n{member.Number}: {r}"); });
        var server = PeerExchangeServer.Start(new IPEndPoint(on ?? IPAddress.Loopback, 0), Certificates.Ca.Certificate, member.Prefix,
            sourceAllowed ?? IPAddress.IsLoopback, _ => Task.FromResult<IReadOnlyCollection<string>>(allowed), answer ?? member.Exchange.Answer, logger, Clock, Revoked.Contains);
        servers.Add(server);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in servers) await s.DisposeAsync();
        foreach (var d in owned) d.Dispose();
        Certificates.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
