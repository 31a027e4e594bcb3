using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Logging;
using Vifibnet.Processes;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Packaging;

/// <summary>
/// The .deb as an operator uses it: install, the units verified, a network made with
/// /usr/bin/vifibnet, a registry and a node started exactly as their units start them (ExecStart read
/// from the installed unit; no systemd PID 1 here) in a namespace of their own, SIGHUP survived,
/// SIGTERM leaving no child, then purge leaving only what the operator made.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
public sealed class DebPackageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    const string Units = "/lib/systemd/system";
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task InstallRunRegistryAndNodeAsTheUnitsDoThenPurge()
    {
        Requires.Root();
        Requires.Tool("openvpn", "openvpn");
        Requires.Tool("babeld", "babeld");
        using var package = new InstalledPackage();

        // What the package put in place.
        Assert.Equal($"vifibnet {InstalledPackage.Version}", InstalledPackage.Run("/usr/bin/vifibnet", "--version").Trim());
        foreach (var file in new[] { "/etc/vifibnet/registry.conf", "/etc/vifibnet/node.conf", "/etc/logrotate.d/vifibnet",
                     "/usr/share/bash-completion/completions/vifibnet", $"{Units}/vifibnet-registry.service", $"{Units}/vifibnet-node@.service" })
            Assert.True(File.Exists(file), $"{file} is not installed");
        Assert.Contains("complete -o filenames -F _vifibnet vifibnet", File.ReadAllText("/usr/share/bash-completion/completions/vifibnet"));
        // --man=no: Documentation=man:vifibnet(1) resolves only where man-db and man pages are installed (not in slim images).
        var (verifyCode, verifyOutput) = Command.TryRun("systemd-analyze", "verify", "--man=no", $"{Units}/vifibnet-registry.service", $"{Units}/vifibnet-node@.service");
        Assert.True(verifyCode == 0 && verifyOutput.Trim().Length == 0, $"systemd-analyze verify: {verifyOutput}");

        var (rotateCode, rotateOutput) = Command.TryRun(Requires.Tool("logrotate", "logrotate"), "--debug", "/etc/logrotate.d/vifibnet");
        Assert.True(rotateCode == 0 && !rotateOutput.Contains("error", StringComparison.OrdinalIgnoreCase), $"logrotate --debug: {rotateOutput}");

        using var lab = new NetworkLab("pk-");
        var ns = lab.CreateNamespace("host");
        lab.AddAddress(ns, "lo", "198.51.100.7/32");

        // The operator makes the network and starts the registry service.
        InstalledPackage.Run("/usr/bin/vifibnet", "new-registry", "--dir", "/var/lib/vifibnet/registry", "--network", "2001:db8:42::/48");
        using var registry = StartAsUnit(ns, "vifibnet-registry.service", null);
        registry.WaitFor("listening on port 8000");
        Assert.All(registry.Lines, l => Assert.Matches(@"^<[3467]>[A-Z]+ +\S+: ", l)); // the journal's format: no timestamp

        // ... joins a node through it, edits node.conf and starts vifibnet-node@node.
        // The token is stdout's one line; Run also collects stderr, where token adds the CA fingerprint to pin.
        var token = InstalledPackage.Run("/usr/bin/vifibnet", "token", "--db", "/var/lib/vifibnet/registry/registry.db").Split('\n')[0].Trim();
        lab.Exec(ns, "/usr/bin/vifibnet", "setup", "--server", "::1", "--port", "8000", "-d", "/var/lib/vifibnet/node", "--token", token, "--no-boot");
        File.AppendAllText("/etc/vifibnet/node.conf", "registry http://[::1]:8000\nip 198.51.100.7 1194 udp\nverbose 1\n"); // README's printf
        using var node = StartAsUnit(ns, "vifibnet-node@.service", "node");
        await Until(() => Command.TryRun("/usr/bin/vifibnet", "status", "-s", "/var/lib/vifibnet/node").ExitCode == 0, "vifibnet status answers");
        await Until(() => ChildrenOf(ns, node.Pid).Any(c => c == "babeld") && ChildrenOf(ns, node.Pid).Count(c => c == "openvpn") >= 2,
            "babeld and two openvpn servers run under the node");
        Assert.False(File.Exists("/var/log/vifibnet/node/vifibnet.log"), "under systemd the daemon logs to the journal, not a file");
        Assert.NotEmpty(Directory.GetFiles("/var/log/vifibnet/node", "*.log")); // its children's logs
        Assert.All(node.Lines, l => Assert.Matches(@"^<[3467]>[A-Z]+ +\S+: ", l));
        Assert.NotEmpty(node.Lines);

        // logrotate moves the files away, its postrotate sends SIGHUP: vifibnet lets the moved files go
        // and opens new ones at the same paths; nothing stops.
        var logs = Directory.GetFiles("/var/log/vifibnet/node", "*.log");
        foreach (var log in logs) File.Move(log, log + ".1");
        Assert.Contains(OpenFiles(node.Pid), f => f.EndsWith(".log.1", StringComparison.Ordinal));
        node.Signal(ChildProcess.SIGHUP);
        registry.Signal(ChildProcess.SIGHUP);
        // The node lets every rotated file go and writes at the original paths again (at least one of them back;
        // a child that ended or restarted in between need not bring its own file back). This once failed in every
        // full run and passed alone: CI starts us with SIGHUP ignored, .NET then never called the handler
        // (ConsoleLog.ReopenOnHangup restores the default; LoggingOutputTests attacks that directly).
        await Until(() =>
        {
            var open = OpenFiles(node.Pid);
            return !open.Any(f => f.Contains(".log.1", StringComparison.Ordinal)) && logs.Any(l => open.Contains(l) && File.Exists(l));
        }, "the node reopened its log files at their paths",
            () => "open files of the node: " + string.Join(", ", OpenFiles(node.Pid).Where(f => f.Contains("/log/", StringComparison.Ordinal)))
                + "; moved: " + string.Join(", ", logs));
        // Logged just after the files are reopened, and read from the journal pipe a moment later: waited for.
        node.WaitFor("SIGHUP: reopened");
        output.WriteLine(node.Lines.First(l => l.Contains("SIGHUP: reopened", StringComparison.Ordinal)));
        Assert.False(node.Child.HasExited || registry.Child.HasExited, "SIGHUP ended a service");
        Assert.Equal(0, Command.TryRun("/usr/bin/vifibnet", "status", "-s", "/var/lib/vifibnet/node").ExitCode);

        // systemctl stop: SIGTERM to the main process; every child must be gone with it (KillMode=mixed
        // would SIGKILL leftovers, which would hide a leak: here nothing does that for us).
        var nodeChildren = Descendants(node.Pid);
        node.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, await node.Child.Exited.WaitAsync(Deadline));
        Assert.All(nodeChildren, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"child {pid} of the node outlived it"));
        registry.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, await registry.Child.Exited.WaitAsync(Deadline));
        await Until(() => NetworkLab.Pids(ns).Count == 0, "no process left in the namespace");

        // Purge: the package's files, conffiles and logs go; what the operator made stays.
        package.Purge();
        Assert.False(InstalledPackage.IsInstalled());
        foreach (var path in new[] { "/usr/bin/vifibnet", "/usr/lib/vifibnet", "/etc/vifibnet", "/etc/logrotate.d/vifibnet", "/var/log/vifibnet",
                     $"{Units}/vifibnet-registry.service", $"{Units}/vifibnet-node@.service", "/usr/share/bash-completion/completions/vifibnet" })
            Assert.False(File.Exists(path) || Directory.Exists(path), $"{path} is left after purge");
        foreach (var made in new[] { "registry/ca.key", "registry/registry.db", "node/cert.key", "node/cert.crt" })
            Assert.True(File.Exists(Path.Combine(InstalledPackage.StateRoot, made)), $"purge removed the operator's {made}");
    }

    /// <summary>The unit's ExecStart with %i filled in, run in the namespace with the environment systemd gives (INVOCATION_ID), after making its directories.</summary>
    static UnitProcess StartAsUnit(string ns, string unit, string? instance)
    {
        var lines = File.ReadAllLines(Path.Combine(Units, unit)).Select(l => l.Replace("%i", instance ?? "")).ToList();
        string Value(string key) => lines.Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];
        foreach (var key in new[] { "StateDirectory", "LogsDirectory" })
            foreach (var dir in lines.Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..]))
                Directory.CreateDirectory(Path.Combine(key == "StateDirectory" ? "/var/lib" : "/var/log", dir));
        var execStart = Value("ExecStart").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // The unit's Environment= too (the registry's GC and JIT settings): the program runs as systemd would start it.
        var environment = lines.Where(l => l.StartsWith("Environment=", StringComparison.Ordinal))
            .SelectMany(l => l["Environment=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return new UnitProcess(unit, ns, ["env", $"INVOCATION_ID={Guid.NewGuid():N}", .. environment, .. execStart]);
    }

    /// <summary>Command names (comm) of every process descended from <paramref name="pid"/> in the namespace.</summary>
    static List<string> ChildrenOf(string ns, int pid) =>
        [.. Descendants(pid).Intersect(NetworkLab.Pids(ns)).Select(p => Comm(p))];

    static List<string> OpenFiles(int pid) =>
        [.. new DirectoryInfo($"/proc/{pid}/fd").GetFileSystemInfos().Select(f => f.LinkTarget ?? "")];

    static List<int> Descendants(int pid)
    {
        var all = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var dir in Directory.GetDirectories("/proc").Select(Path.GetFileName))
                if (int.TryParse(dir, out var p) && ParentOf(p) == parent) { all.Add(p); queue.Enqueue(p); }
        }
        return all;
    }

    static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
    }

    static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return ""; }
    }

    static async Task Until(Func<bool> condition, string what, Func<string>? state = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > Deadline)
                throw new Xunit.Sdk.XunitException($"timed out after {Deadline.TotalSeconds:N0} s waiting until {what}" + (state is null ? "" : $" ({state()})"));
            await Task.Delay(250);
        }
    }

    /// <summary>A service's main process started the unit's way, its stdout lines (what the journal would get) kept.</summary>
    sealed class UnitProcess : IDisposable
    {
        readonly List<string> lines = [];
        public ChildProcess Child { get; }
        public int Pid => Child.Pid;

        public UnitProcess(string name, string ns, string[] command) =>
            Child = ChildProcess.Start(name, Tools.Find(Tools.Ip), ["netns", "exec", ns, .. command], null, Logger.Null, l => { lock (lines) lines.Add(l); });

        public IReadOnlyList<string> Lines { get { lock (lines) return [.. lines]; } }

        public void WaitFor(string pattern)
        {
            var watch = Stopwatch.StartNew();
            while (!Lines.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, pattern)))
            {
                if (Child.HasExited) throw new Xunit.Sdk.XunitException($"{Child.Name} exited ({Child.Exited.Result}):\n{string.Join('\n', Lines)}");
                if (watch.Elapsed > Deadline) throw new Xunit.Sdk.XunitException($"no line matching '{pattern}' from {Child.Name}:\n{string.Join('\n', Lines)}");
                Thread.Sleep(200);
            }
        }

        public void Signal(int signal) => Child.Signal(signal);

        public void Dispose() => Child.Dispose();
    }
}
