using System.Globalization;

namespace Vifibnet.Routing;

/// <summary>
/// babel's HMAC authentication (RFC 8967, babeld 1.12's `key` statements) on the node's LAN interfaces: nodes of
/// another network on the same LAN do not have the key, so neither side takes the other's packets and their
/// routes never mix. Tunnels are left unsigned: openvpn already admits only certificates of the network's CA.
/// babeld takes one key per interface, so a rotation switches every node at one agreed moment (docs/lifecycle.md).
/// </summary>
/// <param name="KeyName">babeld's key id (a name).</param>
/// <param name="KeyHex">The key, hex (babeld takes up to 64 bytes for hmac-sha256).</param>
public sealed record BabelAuthentication(string KeyName, string KeyHex)
{
    /// <summary>The interfaces that get the key: every one that is not a tunnel (the -i LAN interfaces).</summary>
    public static IReadOnlyList<string> SignedInterfaces(IEnumerable<string> interfaces) =>
        [.. interfaces.Distinct().Where(i => !i.StartsWith(BabelSettings.TunnelDevicePrefix, StringComparison.Ordinal))];

    /// <summary>babeld configuration lines: the key, then each LAN interface using it. They go in a 0600 file (-c) or the local socket, never on the command line, which every local user can read.</summary>
    public IReadOnlyList<string> ConfigLines(IEnumerable<string> interfaces) =>
        [$"key id {KeyName} type hmac-sha256 value {KeyHex}", .. SignedInterfaces(interfaces).Select(i => $"interface {i} key {KeyName}")];

    /// <summary>
    /// Switches a running babeld's interfaces to a key: babeld 1.12 answers "ok" to `interface X key K` (or a new
    /// hello-interval) on its socket but applies it only to an interface that appears afterwards (measured: the
    /// hellos kept their old interval, a node given another key kept its routes), so each interface is flushed
    /// and added again with its parameters: the key (LAN interfaces only) and the hello interval. Its neighbours
    /// come back with their next IHU (every 3 hellos). Throws IOException when babeld refuses a line.
    /// </summary>
    public static async Task ReaddInterfacesAsync(string socket, IEnumerable<string> interfaces, int hello, BabelAuthentication? key, CancellationToken cancel)
    {
        var signed = SignedInterfaces(interfaces).ToHashSet();
        if (key is not null) await Request($"key id {key.KeyName} type hmac-sha256 value {key.KeyHex}").ConfigureAwait(false);
        var seconds = hello.ToString(CultureInfo.InvariantCulture);
        foreach (var i in interfaces.Distinct())
        {
            await Request($"flush interface {i}").ConfigureAwait(false);
            await Request($"interface {i} hello-interval {seconds}{(key is not null && signed.Contains(i) ? $" key {key.KeyName}" : "")}").ConfigureAwait(false);
        }

        Task<IReadOnlyList<string>> Request(string line) => BabelControl.RequestAsync(socket, line, TimeSpan.FromSeconds(3), cancel);
    }
}
