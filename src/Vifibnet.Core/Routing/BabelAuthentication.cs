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
    /// Gives a running babeld this key through its local socket: the key first, then each LAN interface switched to it.
    /// Throws IOException when babeld refuses a line (then the caller restarts babeld with the key in its file).
    /// </summary>
    public async Task ApplyLiveAsync(string socket, IEnumerable<string> interfaces, CancellationToken cancel)
    {
        foreach (var line in ConfigLines(interfaces))
            await BabelControl.RequestAsync(socket, line, TimeSpan.FromSeconds(3), cancel).ConfigureAwait(false);
    }

    /// <summary>The hello interval of every interface changed in a running babeld (babeld answers "ok" to each line).</summary>
    public static async Task SetHelloLiveAsync(string socket, IEnumerable<string> interfaces, int hello, CancellationToken cancel)
    {
        var seconds = hello.ToString(CultureInfo.InvariantCulture);
        foreach (var i in interfaces.Distinct())
            await BabelControl.RequestAsync(socket, $"interface {i} hello-interval {seconds}", TimeSpan.FromSeconds(3), cancel).ConfigureAwait(false);
    }
}
