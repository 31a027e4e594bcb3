using Vifibnet.Processes;
using Vifibnet.Tests.Support;
using Xunit.Sdk;

namespace Vifibnet.Tests.Packaging;

/// <summary>
/// The .deb installed on this machine for one test: built by scripts/build-deb.sh when out/ has none
/// (scripts/test.sh builds it first), refused when vifibnet is already installed or the directories
/// it would touch exist, and purged on dispose whatever happened, with what the test made as the
/// operator (/var/lib/vifibnet/*) removed after it.
/// </summary>
public sealed class InstalledPackage : IDisposable
{
    public const string StateRoot = "/var/lib/vifibnet";
    static readonly string[] Untouched = ["/etc/vifibnet", StateRoot, "/var/log/vifibnet", "/usr/lib/vifibnet"];

    public string Deb { get; }

    public InstalledPackage()
    {
        Requires.Tool("dpkg-deb", "dpkg");
        if (IsInstalled())
            throw new XunitException("vifibnet is installed on this machine: this test installs and purges it; `dpkg --purge vifibnet` first");
        foreach (var path in Untouched)
            if (Directory.Exists(path)) throw new XunitException($"{path} exists: this test would install over it; remove it first");
        Deb = Find() ?? Build();
        try
        {
            Run("dpkg", "-i", Deb);
        }
        catch
        {
            Dispose(); // a half-installed package is still installed: never leave it behind
            throw;
        }
    }

    public static string Version => File.ReadAllText(Path.Combine(RepoRoot.Path, "VERSION")).Trim();

    public static bool IsInstalled() => Command.TryRun("dpkg-query", "-W", "-f=${db:Status-Status}", "vifibnet") is (0, var status) && status.Trim() != "not-installed";

    /// <summary>Purges the package (the test's own assertions follow this call).</summary>
    public void Purge() => Run("dpkg", "--purge", "vifibnet");

    public static string Run(string program, params string[] args) => Command.Run(program, args);

    static string? Find()
    {
        var outDir = Path.Combine(RepoRoot.Path, "out");
        return Directory.Exists(outDir) ? Directory.GetFiles(outDir, $"vifibnet_{Version}-*.deb").OrderDescending().FirstOrDefault() : null;
    }

    static string Build()
    {
        var output = Command.Run("sh", Path.Combine(RepoRoot.Path, "scripts/build-deb.sh"));
        return Path.Combine(RepoRoot.Path, output.Trim().Split('\n')[^1]);
    }

    public void Dispose()
    {
        if (IsInstalled()) Command.TryRun("dpkg", "--purge", "vifibnet");
        if (Directory.Exists(StateRoot)) Directory.Delete(StateRoot, recursive: true);
    }
}
