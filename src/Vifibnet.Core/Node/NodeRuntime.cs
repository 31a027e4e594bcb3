namespace Vifibnet.Node;

/// <summary>
/// The .NET runtime settings `vifibnet node` is run with (systemd unit, the mesh lab): environment
/// variables, because the GC's gen0 budget cannot be set in runtimeconfig.json and the registry,
/// the same executable, should keep the defaults. On this machine's 32 MB L3 cache the default gen0
/// budget alone is tens of MB a node never needs: the daemon allocates little, so a 4 MB budget costs
/// a few cheap gen0 collections. Tiered PGO's instrumented code is of no use to a daemon that is idle
/// most of the time.
/// </summary>
public static class NodeRuntime
{
    public static IReadOnlyList<KeyValuePair<string, string>> Environment { get; } =
    [
        new("DOTNET_GCgen0size", "0x400000"),
        new("DOTNET_TieredPGO", "0"),
    ];
}
