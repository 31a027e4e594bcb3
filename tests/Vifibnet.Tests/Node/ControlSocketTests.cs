using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Node;
using Vifibnet.Tunnels;

namespace Vifibnet.Tests.Node;

/// <summary>The control socket on its own: request in, JSON out, errors named, one node per state directory.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ControlSocketTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("vifibnet-control-").FullName;

    static readonly TunnelInfo Sample = new("0000000000000010", "vifib-c0", "client", "198.51.100.2,1194,udp", "up",
        new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), 3, 1000, 2000);

    Task<object> Handle(string request, CancellationToken cancel) => request switch
    {
        "tunnels" => Task.FromResult<object>(new List<TunnelInfo> { Sample }),
        "peers update" => throw new NodeDaemonException(NodeErrorKind.RequestFailed, "registry http://198.51.100.100:8000/ unreachable"),
        _ => Task.FromResult<object>(new ControlError($"unknown request '{request}'")),
    };

    [Fact]
    public async Task TunnelsComeBackAsSent()
    {
        await using var server = ControlServer.Start(NodeOptions.ControlSocketIn(dir), Handle, Logger.Null);
        Assert.True(ControlClient.IsRunning(dir));
        Assert.Equal([Sample], await ControlClient.GetTunnelsAsync(dir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(NodeOptions.ControlSocketIn(dir)));
    }

    [Fact]
    public async Task AFailedRequestIsReportedWithTheNodesMessage()
    {
        await using var server = ControlServer.Start(NodeOptions.ControlSocketIn(dir), Handle, Logger.Null);
        var e = await Assert.ThrowsAsync<NodeDaemonException>(() => ControlClient.UpdatePeersAsync(dir));
        Assert.Equal(NodeErrorKind.RequestFailed, e.Kind);
        Assert.Contains("198.51.100.100:8000", e.Message);
    }

    [Fact]
    public async Task ASecondNodeOnTheSameStateDirectoryIsRefused()
    {
        await using var server = ControlServer.Start(NodeOptions.ControlSocketIn(dir), Handle, Logger.Null);
        var e = Assert.Throws<NodeDaemonException>(() => ControlServer.Start(NodeOptions.ControlSocketIn(dir), Handle, Logger.Null));
        Assert.Equal(NodeErrorKind.AlreadyRunning, e.Kind);
        Assert.Contains("already running", e.Message);
    }

    [Fact]
    public async Task ASocketLeftByACrashedNodeIsReplacedAndRemovedOnStop()
    {
        var path = NodeOptions.ControlSocketIn(dir);
        File.WriteAllText(path, ""); // what a killed node leaves: a socket file nobody listens on
        var server = ControlServer.Start(path, Handle, Logger.Null);
        Assert.NotEmpty(await ControlClient.GetTunnelsAsync(dir));
        await server.DisposeAsync();
        Assert.False(File.Exists(path));
        Assert.False(ControlClient.IsRunning(dir));
        await Assert.ThrowsAsync<NodeNotRunningException>(() => ControlClient.GetTunnelsAsync(dir));
    }

    [Fact]
    public void LeftoverChildOfThisNodeIsKilledOthersAreLeftAlone()
    {
        var paths = new NodePaths(dir, dir);
        Directory.CreateDirectory(paths.RunDir);
        using var ours = System.Diagnostics.Process.Start("sh", ["-c", "sleep 60", paths.RunDir])!; // names our run dir, as our openvpn/babeld do
        using var stranger = System.Diagnostics.Process.Start("sleep", ["60"])!;
        try
        {
            File.WriteAllText(Path.Combine(paths.RunDir, "vifib-c0.pid"), ours.Id.ToString());
            File.WriteAllText(Path.Combine(paths.RunDir, "babeld.pid"), stranger.Id.ToString());
            NodeStartup.KillLeftovers(paths, Logger.Null);
            Assert.True(ours.WaitForExit(5000));
            Assert.False(stranger.HasExited);
            Assert.Empty(Directory.GetFiles(paths.RunDir, "*.pid"));
        }
        finally
        {
            if (!ours.HasExited) ours.Kill();
            stranger.Kill();
        }
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
