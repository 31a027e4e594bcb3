using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Peers;
using Vifibnet.Registry;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Node;

/// <summary>A network made in code: node directories with ca.pem, cert.crt and cert.key from <see cref="TestCertificates"/>, and seeded peers.db files.</summary>
public sealed class TestNetwork : IDisposable
{
    public static readonly NetworkPrefix Prefix = TestCertificates.Network;

    readonly TestCertificates certificates;

    public string Root { get; } = Directory.CreateTempSubdirectory("vd-mesh-").FullName;
    public CertificateAuthority Ca => certificates.Ca;

    /// <summary>A network with a CA made here, or with a given one (e.g. a registry's).</summary>
    public TestNetwork(CertificateAuthority? ca = null, TimeSpan? validity = null) =>
        certificates = new TestCertificates(ca) { Validity = validity ?? TimeSpan.FromDays(1) };

    /// <summary>Makes node n (prefix n/16): its directory with CA, certificate and key; returns the directory.</summary>
    public string MakeNode(int n)
    {
        var dir = Path.Combine(Root, $"n{n}");
        certificates.Write(dir, n);
        made.Add(dir);
        return dir;
    }

    /// <summary>
    /// Records every node's certificate in a registry DB, as the registry does when it issues one: the
    /// registry refuses a certificate it has no record of, even one its CA signed.
    /// </summary>
    public void RecordIn(string registryDbPath)
    {
        using var db = new RegistryDb(registryDbPath);
        db.Write((c, t) =>
        {
            foreach (var dir in made)
            {
                using var cert = PemFile.ReadCertificate(Path.Combine(dir, "cert.crt"), "node certificate");
                var prefix = NodePrefix.ParseCommonName(cert.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
                using var insert = c.CreateCommand();
                insert.Transaction = t;
                insert.CommandText = "INSERT INTO cert (prefix, len, reserved, cert, issued) VALUES ($p, $l, 1, $c, 0) ON CONFLICT (prefix) DO UPDATE SET cert = excluded.cert, reserved = 1";
                insert.Parameters.AddWithValue("$p", prefix.ToBinary());
                insert.Parameters.AddWithValue("$l", prefix.Length);
                insert.Parameters.AddWithValue("$c", cert.ExportCertificatePem() + "\n");
                insert.ExecuteNonQuery();
            }
        });
    }

    readonly List<string> made = [];

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
        certificates.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
