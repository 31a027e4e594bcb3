using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Registry;
using Vifibnet.Server;

namespace Vifibnet.Tests.Support;

/// <summary>
/// A real registry for tests: a CA made in code, a SQLite file in a temp dir, the Kestrel server on
/// a free port (dual-stack). Clients talk to it over real HTTP on 127.0.0.1 or ::1.
/// </summary>
public sealed class TestRegistry : IAsyncDisposable
{
    public TempDir Dir { get; } = new();
    public CertificateAuthority Ca { get; }
    public RegistryDb Db { get; }
    public RegistryService Service { get; }
    public RegistryServer Server { get; }
    public List<LogRecord> Log { get; } = [];

    TestRegistry(RegistryOptions options, NetworkPrefix network, TimeProvider? clock)
    {
        Ca = CertificateAuthority.Create(network);
        Db = new RegistryDb(Dir.File("registry.db"));
        var log = new Logger(LogLevel.Debug, r => { lock (Log) Log.Add(r); });
        Service = new RegistryService(options, Db, Ca, log, clock);
        Server = new RegistryServer(Service, 0, log);
    }

    public static async Task<TestRegistry> StartAsync(RegistryOptions? options = null, string network = "2001:db8:42::/48", TimeProvider? clock = null)
    {
        var registry = new TestRegistry(options ?? new RegistryOptions(), NetworkPrefix.Parse(network), clock);
        await registry.Server.StartAsync();
        return registry;
    }

    public Uri Uri(string host = "127.0.0.1") => HttpRegistryClient.UriFor(host, Server.Port);

    public HttpRegistryClient Client(string host = "127.0.0.1", X509Certificate2? cert = null, NodeKeys? keys = null, TimeProvider? clock = null) =>
        new(Uri(host), cert, keys?.Key, clock: clock);

    public string AdminToken(string? email = null) => AdminTokens.Create(Db.Path, email).Token;

    /// <summary>Registers a node over HTTP with an admin token; returns its certificate.</summary>
    public async Task<X509Certificate2> RegisterAsync(NodeKeys keys, string host = "127.0.0.1")
    {
        using var client = Client(host);
        var pem = await client.RequestCertificateAsync(AdminToken(), keys.Csr());
        return X509Certificate2.CreateFromPem(pem);
    }

    /// <summary>Every row of every table, for "this request changed nothing" checks.</summary>
    public string Snapshot() => Db.Read(c =>
    {
        var sb = new System.Text.StringBuilder();
        foreach (var table in new[] { "config", "token", "cert", "peer", "revoked", "superseded" })
        {
            using var command = c.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY 1";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                sb.Append(table);
                for (var i = 0; i < reader.FieldCount; i++) sb.Append('|').Append(reader.IsDBNull(i) ? "null" : reader.GetValue(i));
                sb.Append('\n');
            }
        }
        return sb.ToString();
    });

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Db.Dispose();
        Ca.Dispose();
        SqliteConnection.ClearAllPools();
        Dir.Dispose();
    }
}
