using System.Text.Json;
using Vifibnet.Certificates;
using Vifibnet.Protocol;

namespace Vifibnet.Registry;

// The network configuration (docs/lifecycle.md): stored unsigned in the DB, signed by the CA when served.
public sealed partial class RegistryService
{
    readonly object networkConfigGate = new();
    (string Json, NetworkConfigMessage Signed)? networkConfigCache;

    /// <summary>The configuration signed by the CA: re-signed only when the stored one changed.</summary>
    public NetworkConfigMessage GetSignedNetworkConfig()
    {
        var config = db.Read(c => NetworkConfigStore.Read(c));
        var json = config.ToJson();
        lock (networkConfigGate)
        {
            if (networkConfigCache is { } cached && cached.Json == json) return cached.Signed;
            var signed = SignedNetworkConfiguration.Sign(config, ca.Key);
            networkConfigCache = (json, new NetworkConfigMessage(signed.Body, signed.Signature));
            return networkConfigCache.Value.Signed;
        }
    }

    /// <summary>GET /v1/network-config: only for members (it carries the babel key), sealed to the asking node's key.</summary>
    public NetworkConfigResponse GetNetworkConfig(AuthenticatedNode node) =>
        new(SealedBox.Seal(node.PublicKey, JsonSerializer.SerializeToUtf8Bytes(GetSignedNetworkConfig(), SourceGeneratedJson.Info<NetworkConfigMessage>(RegistryJson.Options))));
}
