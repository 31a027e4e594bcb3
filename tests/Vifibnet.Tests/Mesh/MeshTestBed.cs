using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Logging;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Mesh;

/// <summary>
/// A running 8-node mesh for one end-to-end test: the same <see cref="MeshLab"/> as `vifibnet demo`
/// (registry in a namespace, two nodes behind NAT, registration through the registry, the real CLI,
/// openvpn and babeld), hello 4 s. Dispose removes it and asserts that nothing is left: no namespace
/// with the prefix, no process started from its directory, no tap device or bridge in the root namespace.
/// </summary>
public sealed class MeshTestBed : IAsyncDisposable
{
    public const string Prefix = "vm-t-";
    public const int Hello = 4;
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(150);
    public static readonly TimeSpan HealTimeout = TimeSpan.FromSeconds(120);

    readonly ITestOutputHelper output;
    readonly DateTime started = DateTime.UtcNow;
    string lastLine = "";

    public MeshLab Mesh { get; }
    public MeshWatcher Watcher { get; }

    MeshTestBed(MeshLab mesh, ITestOutputHelper output)
    {
        Mesh = mesh;
        this.output = output;
        Watcher = new MeshWatcher(mesh, new InlineProgress<MeshSnapshot>(Show));
    }

    /// <summary>How long after the first node's start all pairs answered.</summary>
    public TimeSpan Converged { get; private set; }

    /// <summary>
    /// Builds the internet, starts the registry, registers and starts every node (or has <paramref name="start"/> start
    /// them), and waits for all pairs to answer.
    /// </summary>
    public static async Task<MeshTestBed> StartAsync(ITestOutputHelper output, int nodes = 8, Underlay underlay = Underlay.IPv4,
        Func<MeshOptions, MeshOptions>? configure = null, int hello = Hello, Func<MeshLab, Task>? start = null)
    {
        Requires.Root();
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        Requires.Tool("nft", "nftables");
        var log = new Logger(LogLevel.Warning, r => output.WriteLine(r.ToString()));
        var options = new MeshOptions
        {
            Prefix = Prefix, Nodes = nodes, Hello = hello, Underlay = underlay, Vifibnet = (CliProgram.File, CliProgram.Leading),
        };
        var mesh = MeshLab.Create(configure?.Invoke(options) ?? options, log);
        var bed = new MeshTestBed(mesh, output);
        try
        {
            await mesh.StartRegistryAsync(CancellationToken.None);
            await Task.WhenAll(mesh.Nodes.Select(n => mesh.RegisterAsync(n, CancellationToken.None)));
            var sw = Stopwatch.StartNew();
            if (start is null)
                foreach (var n in mesh.Nodes) mesh.StartNode(n);
            else await start(mesh);
            var t = bed.Converged = await bed.Watcher.WaitForAllPairsAsync(bed.All, sw, ConvergeTimeout * Math.Max(1, hello / Hello / 2), CancellationToken.None);
            output.WriteLine($"all {nodes * (nodes - 1)} pairs answer {t.TotalSeconds:0.0} s after start");
            return bed;
        }
        catch
        {
            bed.DumpLogs();
            await bed.DisposeAsync();
            throw;
        }
    }

    public IReadOnlyList<int> All => [.. Mesh.Nodes.Select(n => n.Number)];

    public IReadOnlyList<int> Running => MeshWatcher.Running(Mesh);

    /// <summary>Runs a test body; on failure prints the tail of every node's log before rethrowing.</summary>
    public async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            DumpLogs();
            throw;
        }
    }

    void Show(MeshSnapshot s)
    {
        var line = s.Describe();
        if (line[line.IndexOf(']')..] == (lastLine.Length > 0 ? lastLine[lastLine.IndexOf(']')..] : "")) return;
        lastLine = line;
        output.WriteLine(line);
    }

    public void DumpLogs()
    {
        SaveForDiagnosis("failed");
        foreach (var n in Mesh.Nodes)
        {
            // console.log repeats vifibnet.log, plus what the daemon printed before its log file was open.
            var path = new[] { "vifibnet.log", "console.log" }.Select(name => Path.Combine(n.Directory, name)).FirstOrDefault(File.Exists);
            if (path is not null) output.WriteLine($"--- {n.Label} {Path.GetFileName(path)} (tail, DEBUG left out)\n{Support.NodeLogs.Tail(path)}");
        }
    }

    /// <summary>With VIFIBNET_MESH_SAVE=DIR set, each test's mesh leaves its logs and babeld's tables there (<see cref="MeshLab.SaveDiagnosis"/>).</summary>
    void SaveForDiagnosis(string when)
    {
        if (Environment.GetEnvironmentVariable("VIFIBNET_MESH_SAVE") is not { Length: > 0 } saveDir) return;
        Mesh.SaveDiagnosis(Path.Combine(saveDir, Path.GetFileName(Mesh.WorkDir) + "-" + started.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)), when);
        output.WriteLine($"node logs and babeld tables saved in {saveDir}");
    }

    public async ValueTask DisposeAsync()
    {
        var dir = Mesh.WorkDir;
        SaveForDiagnosis("end");
        await Mesh.DisposeAsync();
        Assert.Empty(NetworkLab.Existing(Prefix));
        Assert.Empty(ProcessesUsing(dir));
        var rootLinks = Command.Run("ip", "-o", "link", "show");
        Assert.DoesNotContain("vifib-", rootLinks);
        Assert.DoesNotContain(": p-n", rootLinks);
        Assert.DoesNotContain(": br0", Command.Run("ip", "-o", "link", "show", "type", "bridge"));
        Assert.False(Directory.Exists(dir), $"{dir} was not removed");
    }

    /// <summary>Processes whose command line names <paramref name="dir"/> (the nodes, openvpn, babeld, the registry of this mesh).</summary>
    static List<string> ProcessesUsing(string dir)
    {
        var found = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(dir, StringComparison.Ordinal)) found.Add($"{Path.GetFileName(proc)}: {cmdline}");
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
