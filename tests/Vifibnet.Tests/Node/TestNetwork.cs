using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Peers;
using Vifibnet.Protocol;

namespace Vifibnet.Tests.Node;

/// <summary>A network made in code: a CA for 2001:db8:42::/48 and node directories with ca.pem, cert.crt, cert.key and a seeded peers.db.</summary>
public sealed class TestNetwork : IDisposable
{
    public static readonly NetworkPrefix Prefix = NetworkPrefix.Parse("2001:db8:42::/48");

    public string Root { get; } = Directory.CreateTempSubdirectory("vd-mesh-").FullName;
    public CertificateAuthority Ca { get; }

    /// <summary>A network with a CA made here, or with a given one (e.g. a registry's).</summary>
    public TestNetwork(CertificateAuthority? ca = null)
    {
        Ca = ca ?? CertificateAuthority.Create(Prefix);
        ownsCa = ca is null;
    }

    readonly bool ownsCa;

    /// <summary>Makes node n (prefix n/16): its directory with CA, certificate and key; returns the directory.</summary>
    public string MakeNode(int n)
    {
        var dir = Path.Combine(Root, $"n{n}");
        Directory.CreateDirectory(dir);
        using var key = RSA.Create(2048);
        var csr = new CertificateRequest("CN=node", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = Ca.Issue(csr, new NodePrefix(n, 16), BigInteger.Parse((1000 + n).ToString()).ToByteArray(true, true), TimeSpan.FromDays(1));
        PemFile.WriteCertificate(Path.Combine(dir, "ca.pem"), Ca.Certificate);
        PemFile.WriteCertificate(Path.Combine(dir, "cert.crt"), cert);
        PemFile.WritePrivateKey(Path.Combine(dir, "cert.key"), key);
        return dir;
    }

    public static string PrefixOf(int n) => new NodePrefix(n, 16).ToBinary();

    public static System.Net.IPAddress AddressOf(int n) => OverlayAddress.For(Prefix, new NodePrefix(n, 16));

    /// <summary>Nodes 1..<paramref name="nodes"/> as (namespace, overlay address), ns[n] being node n's namespace.</summary>
    public static (string Namespace, System.Net.IPAddress Address)[] Hosts(string[] ns, int nodes) =>
        [.. Enumerable.Range(1, nodes).Select(n => (ns[n], AddressOf(n)))];

    /// <summary>Seeds a node's peers.db with other nodes and their underlay addresses.</summary>
    public static void SeedPeers(string dir, IEnumerable<(int Node, string Address)> peers)
    {
        using var db = PeerDb.Open(Path.Combine(dir, "peers.db"));
        db.AddOrUpdate(peers.Select(p => new Peer(PrefixOf(p.Node), p.Address)));
    }

    public void Dispose()
    {
        if (ownsCa) Ca.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
