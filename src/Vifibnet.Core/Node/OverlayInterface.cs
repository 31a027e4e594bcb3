using System.Net;
using Vifibnet.Processes;

namespace Vifibnet.Node;

/// <summary>
/// The node's overlay address lives on lo as a /128 (dummy interfaces are not available everywhere,
/// and babel redistributes it from there whichever tunnel is up).
/// </summary>
public static class OverlayInterface
{
    public static void Add(IPAddress address)
    {
        Command.Run(Tools.Ip, "link", "set", "dev", "lo", "up");
        Command.Run(Tools.Ip, "-6", "addr", "replace", $"{address}/128", "dev", "lo");
    }

    public static void Remove(IPAddress address) =>
        Command.TryRun(Tools.Ip, "-6", "addr", "del", $"{address}/128", "dev", "lo");
}
