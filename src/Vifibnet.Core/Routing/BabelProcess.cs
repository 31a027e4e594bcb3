using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.Routing;

/// <summary>The node's babeld: started once over every tunnel and LAN interface name, restarted by the daemon if it dies.</summary>
public sealed class BabelProcess : IDisposable
{
    readonly ChildProcess child;

    public ChildProcess Process => child;

    BabelProcess(ChildProcess child) => this.child = child;

    public static BabelProcess Start(IReadOnlyList<string> args, BabelSettings settings, Logger log, IEnumerable<string>? interfaces = null)
    {
        if (settings.KeyConfigFile is { } keyFile)
        {
            File.Delete(keyFile);
            if (settings.Authentication is { } auth)
            {
                File.WriteAllText(keyFile, "");
                OwnerOnly.Restrict(keyFile);
                File.AppendAllLines(keyFile, auth.ConfigLines(interfaces ?? []));
            }
        }
        // babeld refuses to start over a pid file it did not remove (after a crash, say).
        File.Delete(settings.PidFile);
        File.Delete(settings.Socket);
        return new BabelProcess(ChildProcess.Start("babeld", Tools.Find(Tools.Babeld), args, settings.LogFile, log));
    }

    /// <summary>
    /// babeld notices interfaces that appear after it started only at its periodic check; SIGUSR2
    /// makes it check now, so a new tunnel carries routes a few seconds sooner.
    /// </summary>
    public void CheckInterfacesNow() => child.Signal(ChildProcess.SIGUSR2);

    public Task StopAsync() => child.StopAsync(TimeSpan.FromSeconds(5));

    public void Dispose() => child.Dispose();
}
