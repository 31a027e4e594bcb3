using System.Globalization;

namespace Vifibnet.Lab;

/// <summary>
/// The small internet of `vifibnet demo`, the mesh tests and the mesh benchmark, as pure data:
/// an internet segment 198.51.100.0/24 on a bridge, the registry at 198.51.100.2, nodes on the
/// internet at 198.51.100.(10+n), and every fourth node (at least one) behind a NAT gateway of its
/// own at 198.51.100.(100+n) with a LAN 203.0.113.(4n)/30. Nodes behind NAT cannot accept tunnels,
/// so two of them never tunnel directly: their traffic is routed through other nodes.
/// With an IPv6 underlay (<see cref="Underlay"/>) the internet is 2001:db8::/64: the registry at
/// 2001:db8::2, nodes at 2001:db8::(10+n); IPv6-only has no NAT; mixed has nodes on the internet in
/// turn dual-stack, IPv4-only and IPv6-only (node 1 dual) and IPv4 ones behind NAT.
/// Documentation addresses only.
/// </summary>
public sealed class DemoTopology
{
    // Three nodes at least: with two, cutting their one path leaves nothing to heal with.
    public const int MinNodes = 3, MaxNodes = 60;
    public const string BridgeName = "inet", RegistryName = "reg", RegistryAddress = "198.51.100.2";
    public const string RegistryAddress6 = "2001:db8::2";
    public const int InternetPrefixLength = 24, LanPrefixLength = 30, InternetPrefixLength6 = 64;

    public IReadOnlyList<LabNode> Nodes { get; }

    public Underlay Underlay { get; }

    DemoTopology(IReadOnlyList<LabNode> nodes, Underlay underlay) => (Nodes, Underlay) = (nodes, underlay);

    /// <summary>The registry's addresses: IPv4, IPv6 or both.</summary>
    public IReadOnlyList<string> RegistryAddresses => Underlay switch
    {
        Underlay.IPv4 => [RegistryAddress],
        Underlay.IPv6 => [RegistryAddress6],
        _ => [RegistryAddress, RegistryAddress6],
    };

    /// <summary>The registry address a node reaches the registry at (IPv4 when it has IPv4).</summary>
    public string RegistryAddressFor(LabNode node) => Underlay == Underlay.IPv4 || (Underlay == Underlay.Mixed && node.HasIPv4) ? RegistryAddress : RegistryAddress6;

    static string V6(int n) => "2001:db8::" + (10 + n).ToString(CultureInfo.InvariantCulture);

    /// <summary>How many of <paramref name="nodes"/> sit behind NAT: a quarter, at least one (never node 1, the first to start).</summary>
    public static int NatCount(int nodes) => Math.Max(1, nodes / 4);

    public static DemoTopology Build(int nodes, int? natCount = null, Underlay underlay = Underlay.IPv4)
    {
        if (underlay == Underlay.IPv6 && natCount is > 0)
            throw new ArgumentOutOfRangeException(nameof(natCount), natCount, "an IPv6-only internet has no NAT");
        if (underlay == Underlay.IPv6) natCount = 0;
        if (nodes is < MinNodes or > MaxNodes)
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, $"a demo mesh has {MinNodes}..{MaxNodes} nodes");
        var nat = natCount ?? NatCount(nodes);
        if (nat < 0 || nat > nodes - 1)
            throw new ArgumentOutOfRangeException(nameof(natCount), nat, "at least one node must be on the internet");
        var list = new List<LabNode>();
        for (var n = 1; n <= nodes; n++)
        {
            // The last ones sit behind NAT, spread so that n1 (started first) is always public.
            var behindNat = n > nodes - nat;
            list.Add(behindNat
                ? new LabNode(n, Name(n), $"203.0.113.{4 * n + 2}", $"gw{n}", $"198.51.100.{100 + n}", $"203.0.113.{4 * n + 1}")
                : underlay switch
                {
                    Underlay.IPv6 => new LabNode(n, Name(n), V6(n)),
                    Underlay.Mixed => (n % 3) switch
                    {
                        1 => new LabNode(n, Name(n), $"198.51.100.{10 + n}", Address6: V6(n)),
                        2 => new LabNode(n, Name(n), $"198.51.100.{10 + n}"),
                        _ => new LabNode(n, Name(n), V6(n)),
                    },
                    _ => new LabNode(n, Name(n), $"198.51.100.{10 + n}"),
                });
        }
        return new DemoTopology(list, underlay);
    }

    public static string Name(int n) => "n" + n.ToString(CultureInfo.InvariantCulture);

    public LabNode this[int number] => Nodes[number - 1];

    public IEnumerable<LabNode> Public => Nodes.Where(n => !n.BehindNat);

    public IEnumerable<LabNode> Natted => Nodes.Where(n => n.BehindNat);

    /// <summary>True when <paramref name="a"/> can open a tunnel to <paramref name="b"/>'s server (b must be reachable from the internet, in a family a has).</summary>
    public static bool CanTunnel(LabNode a, LabNode b) => a != b && !b.BehindNat && ((a.HasIPv4 && b.HasIPv4) || (a.HasIPv6 && b.HasIPv6));
}
