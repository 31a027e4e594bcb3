using System.Diagnostics;
using Vifibnet.Lab;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 2 of issue 11: a local non-root user (nobody) reaches a running node's sockets and files.
/// The node runs under umask 000 in world-readable directories, so only the node's own care protects
/// them: every socket, the run directory, peers.db and every log must be its owner's alone.
/// </summary>
[Collection(NamespaceCollection.Name)]
[RequiresRoot]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalUserAttackTests(ITestOutputHelper output)
{
    // As nobody: connect to each socket and send openvpn's kill command, or open each file; one line per path.
    const string ProbeScript = """
        import socket, sys, errno
        for path in sys.argv[1:]:
            try:
                if path.endswith(('.sock', '.mgmt')):
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(path)
                    s.sendall(b'signal SIGTERM\n')
                    print(path, 'OPEN', s.recv(200))
                else:
                    print(path, 'OPEN', len(open(path, 'rb').read(100)))
            except OSError as e:
                print(path, 'REFUSED', errno.errorcode.get(e.errno, e.errno))
        """;

    [Fact]
    public async Task NobodyCannotReachTheSocketsDbOrLogsOfANodeStartedUnderUmask000()
    {
        Requires.Tool("setpriv", "util-linux");
        if (!File.Exists("/usr/bin/python3")) throw new Xunit.Sdk.XunitException("this test needs /usr/bin/python3 (apt-get install python3), run as nobody");
        using var bed = NodeMeshBed.Create(2, output);
        bed.SeedAll();
        foreach (var dir in new[] { bed.Root, bed.Dir(1), bed.Dir(2) })
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111); // as a careless admin's mkdir under umask 000
        var since = Stopwatch.StartNew();
        bed.StartUnderUmask(1, "000", "--hello", "4");
        bed.StartUnderUmask(2, "000", "--hello", "4");
        await bed.WaitForAllPairsAsync(2, since, TimeSpan.FromSeconds(90));
        // Pairs answer within seconds now, before the daemon has seen (and restricted) a new tunnel's management socket, which
        // openvpn creates 0777 inside the owner-only run directory: the modes are checked once every tunnel is up.
        await MeshProbe.Until(async () => (await bed.TunnelsAsync(1)) is { Count: > 0 } t && t.All(x => x.State == "up"),
            TimeSpan.FromSeconds(20), () => "node 1's tunnels to be up");

        var dir1 = bed.Dir(1);
        var run = Path.Combine(dir1, "run");
        var targets = Directory.EnumerateFiles(run).Where(f => f.EndsWith(".mgmt") || f.EndsWith(".sock"))
            .Concat([Path.Combine(dir1, "vifibnet.sock"), Path.Combine(dir1, "peers.db")])
            .Concat(Directory.EnumerateFiles(dir1, "*.log").Where(f => !f.EndsWith("console.log")))
            .Order().ToList();
        Assert.Contains(targets, t => t.EndsWith(".mgmt"));
        Assert.Contains(targets, t => t.EndsWith("babeld.sock"));
        var lines = RunProbe("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", ProbeScript, .. targets]);
        output.WriteLine(string.Join('\n', lines));
        Assert.Equal(targets.Count, lines.Count);
        Assert.All(lines, l => Assert.EndsWith("REFUSED EACCES", l));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(run));
        foreach (var file in Directory.EnumerateFiles(run).Concat(Directory.EnumerateFiles(dir1, "peers.db*")).Concat(targets))
            Assert.True((File.GetUnixFileMode(file) & (UnixFileMode)0b000_111_111) == 0, $"{file} is {File.GetUnixFileMode(file)}");

        // Nothing changed: root still reaches the node, whose tunnels are all up.
        var tunnels = await bed.TunnelsAsync(1);
        Assert.NotEmpty(tunnels);
        Assert.All(tunnels, t => Assert.Equal("up", t.State));
        Assert.False(bed.Daemon(1).HasExited);
    }

    static List<string> RunProbe(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"the probe failed ({p.ExitCode}): {stderr}");
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
