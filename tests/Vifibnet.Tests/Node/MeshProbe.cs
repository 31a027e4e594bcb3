using System.Diagnostics;
using System.Text.Json;
using Vifibnet.Lab;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Node;

/// <summary>What the mesh tests look at: ping6 between overlay addresses, `vifibnet tunnels --json`, waiting with a deadline.</summary>
public static class MeshProbe
{
    public sealed record Tunnel(string Peer, string Interface, string Direction, string Remote, string State, int Routes);

    /// <summary>`vifibnet tunnels -s DIR --json` run inside the node's namespace; empty when the node does not answer.</summary>
    public static async Task<List<Tunnel>> TunnelsAsync(NetworkLab lab, string ns, string dir)
    {
        var (code, json) = await Task.Run(() => lab.TryExec(ns, CliProgram.Dotnet, CliProgram.Dll, "tunnels", "-s", dir, "--json"));
        if (code != 0) return [];
        return JsonSerializer.Deserialize<List<Tunnel>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
    }

    /// <summary>Waits until every node pings every other node's overlay address (nodes 1..n, ns[i] is node i's namespace).</summary>
    public static async Task WaitForAllPairsAsync(NetworkLab lab, string[] ns, int nodes, Stopwatch since, TimeSpan timeout)
    {
        var pending = new List<(int From, int To)>();
        for (var a = 1; a <= nodes; a++)
            for (var b = 1; b <= nodes; b++)
                if (a != b) pending.Add((a, b));
        await Until(() =>
        {
            pending.RemoveAll(p => lab.TryExec(ns[p.From], "ping", "-6", "-c", "1", "-W", "1", TestNetwork.AddressOf(p.To).ToString()).ExitCode == 0);
            return Task.FromResult(pending.Count == 0);
        }, timeout, () => $"every node to ping every other overlay address; still failing: {string.Join(", ", pending.Select(p => $"{p.From}->{p.To}"))} after {since.Elapsed.TotalSeconds:0} s");
    }

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what) => Until(condition, timeout, () => what);

    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what()}");
            await Task.Delay(500);
        }
    }

    /// <summary>The last lines of each node's logs, for the test output when something fails.</summary>
    public static void DumpLogs(Xunit.Abstractions.ITestOutputHelper output, string?[] dirs)
    {
        for (var n = 1; n < dirs.Length; n++)
        {
            if (dirs[n] is not { } dir) continue;
            foreach (var log in Directory.EnumerateFiles(dir, "*.log").Order())
                output.WriteLine($"--- node {n} {Path.GetFileName(log)} (tail)\n{string.Join('\n', File.ReadAllLines(log).TakeLast(12))}");
        }
    }
}
