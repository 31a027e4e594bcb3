using Vifibnet.Lab;

namespace Vifibnet.Bench.Mesh;

/// <summary>What one mesh build measured: seconds from start to all pairs, per cut to all pairs again, per node reboot to all pairs again; the lossy-underlay run if any; and every node's processes at the end.</summary>
public sealed record BuildFigures(double Converge, IReadOnlyList<double> Reroutes, IReadOnlyList<double> Reboots, IReadOnlyList<ProcessUsage> Processes,
    Vifibnet.Lab.LossyRun? Lossy = null);
