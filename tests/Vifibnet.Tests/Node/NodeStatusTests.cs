using System.Text.Json;
using Vifibnet.Lab;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Node;

/// <summary>
/// `vifibnet status` against the real `vifibnet node` CLI in a namespace of its own (real openvpn and
/// babeld), with a registry URL nothing answers on, so the status shows the registry's error.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class NodeStatusTests(ITestOutputHelper output)
{
    sealed record Upnp(string State);

    sealed record Status(string State, string Network, string Prefix, string CommonName, string OverlayAddress, string? Registry,
        string? AdvertisedAddress, string AddressSource, int ClientTunnels, int ServerClients, int PeersKnown, Upnp Upnp,
        DateTimeOffset? LastRegistryContact, string? LastRegistryError);

    [Fact]
    public async Task StatusShowsIdentityAdvertisedAddressTunnelsUpnpAndTheRegistrysError()
    {
        using var bed = NodeMeshBed.Create(1, output);
        var dir = bed.Dir(1);
        var ns = bed.Namespace(1);
        var lab = bed.Lab;
        TestNetwork.SeedPeers(dir, [(2, "198.51.100.2,1194,udp")]);
        bed.Start(1, "-v", "2", "--hello", "4", "--pp", "1194", "udp", "--registry", "http://127.0.0.1:9/");
        Status? status = null;
        await MeshProbe.Until(async () =>
        {
            var (code, json) = await Task.Run(() => lab.TryExec(ns, CliProgram.File, [.. CliProgram.Leading, "status", "-s", dir, "--json"]));
            if (code == 0) status = JsonSerializer.Deserialize<Status>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            return status?.LastRegistryError is not null;
        }, TimeSpan.FromSeconds(30), "the node to answer `status` with the registry's error");
        var s = status!;
        Assert.Equal(("running", "2001:db8:42::/48", TestNetwork.PrefixOf(1), "1/16", TestNetwork.AddressOf(1).ToString()),
            (s.State, s.Network, s.Prefix, s.CommonName, s.OverlayAddress));
        Assert.Equal(("198.51.100.1,1194,udp", "--ip"), (s.AdvertisedAddress, s.AddressSource));
        Assert.Equal("http://127.0.0.1:9/", s.Registry);
        Assert.Null(s.LastRegistryContact);
        Assert.Contains("127.0.0.1:9", s.LastRegistryError);
        Assert.Equal("disabled", s.Upnp.State); // --ip: no UPnP
        Assert.Equal(1, s.PeersKnown);
        Assert.Equal(1, s.ClientTunnels); // to the seeded peer, which does not exist: connecting
        Assert.Equal(0, s.ServerClients);

        var text = lab.Exec(ns, CliProgram.File, [.. CliProgram.Leading, "status", "-s", dir]);
        output.WriteLine(text);
        Assert.Contains("advertised   198.51.100.1,1194,udp (from --ip)", text);
        Assert.Contains("last contact never", text);
        Assert.Contains("upnp         disabled", text);
    }
}
