using System.Text.Json.Nodes;

namespace Vifibnet.Simulation;

/// <summary>What `vifibnet simulate --json` prints: one document a benchmark or a test can compare.</summary>
public static class SimulationJson
{
    /// <summary>The parameters, then per round averageHops, maxHops, degree and, with --fail, connectivity.</summary>
    public static JsonObject ToJson(SimulationResult result)
    {
        var o = result.Options;
        var parameters = new JsonObject
        {
            ["nodes"] = o.Nodes, ["connectionCount"] = o.ConnectionCount, ["clientTunnels"] = o.ClientTunnels,
            ["refreshRounds"] = o.RefreshRounds, ["refreshRate"] = o.RefreshRate, ["seed"] = o.Seed,
            ["peerListSize"] = o.PeerListSize, ["peerListPick"] = o.PeerListPick.ToString().ToLowerInvariant(), ["maxIncoming"] = o.IncomingLimit, ["peerDbRefreshRounds"] = o.PeerDbRefreshRounds,
            ["sampleSources"] = o.SampleSources, ["exactUpTo"] = o.ExactUpTo,
        };
        if (o.FailRatios.Count > 0) parameters["fail"] = o.FailRatios[0];
        var rounds = new JsonArray();
        foreach (var r in result.Rounds)
        {
            var round = new JsonObject
            {
                ["round"] = r.Round, ["averageHops"] = r.Hops.AverageHops, ["maxHops"] = r.Hops.MaxHops,
                ["hopsExact"] = r.Hops.Exact, ["hopSources"] = r.Hops.Sources, ["averageHopsStandardError"] = r.Hops.StandardError, ["unreachablePairs"] = r.Hops.UnreachablePairs,
                ["degree"] = Degree(r.Degree), ["tunnelsClosed"] = r.TunnelsClosed, ["tunnelsOpened"] = r.TunnelsOpened,
                ["tunnelsRefused"] = r.TunnelsRefused,
            };
            if (r.Failures.Count > 0)
            {
                round["connectedPairsRatio"] = r.Failures[0].Survivors.ConnectedPairsRatio;
                round["largestComponent"] = r.Failures[0].Survivors.LargestComponent;
                round["survivors"] = r.Failures[0].Survivors.Survivors;
            }
            rounds.Add((JsonNode)round); // JsonNode overload: the generic one reflects over its argument
        }
        var document = new JsonObject { ["parameters"] = parameters, ["rounds"] = rounds };
        if (result.Repairs.Count > 0)
        {
            var a = result.Repairs[0];
            document["afterRepair"] = new JsonObject
            {
                ["passes"] = a.Passes, ["deadTunnelsClosed"] = a.DeadTunnelsClosed,
                ["connectedPairsRatio"] = a.Survivors.ConnectedPairsRatio, ["largestComponent"] = a.Survivors.LargestComponent,
                ["survivors"] = a.Survivors.Survivors, ["averageHops"] = a.Hops.AverageHops, ["maxHops"] = a.Hops.MaxHops,
                ["degree"] = Degree(a.Degree),
            };
        }
        return document;
    }

    static JsonObject Degree(DegreeStatistics d) => new() { ["min"] = d.Min, ["mean"] = d.Mean, ["max"] = d.Max };
}
