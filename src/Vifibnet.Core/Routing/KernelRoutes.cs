using Vifibnet.Processes;

namespace Vifibnet.Routing;

/// <summary>
/// The routes babeld installed, read from the kernel (`ip -6 route show proto babel`): how many
/// routes each tunnel carries and which nodes are reached over a LAN interface. The kernel table is
/// what traffic really follows, and reading it needs no babeld-version-specific parsing.
/// </summary>
public static class KernelRoutes
{
    public static IReadOnlyList<BabelRoute> Babel()
    {
        var (code, output) = Command.TryRun(Tools.Ip, "-6", "-j", "route", "show", "proto", "babel");
        return code == 0 ? BabelRoute.ParseJson(output) : [];
    }

    /// <summary>Routes per interface.</summary>
    public static IReadOnlyDictionary<string, int> CountByDevice(IEnumerable<BabelRoute> routes) =>
        routes.GroupBy(r => r.Device).ToDictionary(g => g.Key, g => g.Count());
}
