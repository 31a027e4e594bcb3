using System.Text.RegularExpressions;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Packaging;

/// <summary>One version: VERSION is what `vifibnet --version` prints, the module's ModuleVersion and the .deb's upstream version.</summary>
public sealed class VersionTests
{
    static string Version => File.ReadAllText(Path.Combine(RepoRoot.Path, "VERSION")).Trim();

    [Fact]
    public void VersionFileIsASemanticVersion() => Assert.Matches(@"^\d+\.\d+\.\d+$", Version);

    [Fact]
    public async Task CliPrintsTheVersion()
    {
        var r = await CliRun.RunAsync("--version");
        Assert.Equal(0, r.Code);
        Assert.Equal($"vifibnet {Version}", r.Out.Trim());
    }

    [Fact]
    public void ModuleManifestHasTheVersion()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoRoot.Path, "Vifibnet.psd1"));
        Assert.Equal(Version, Regex.Match(manifest, @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value);
    }

    [Fact]
    public void DebianChangelogAndBuildScriptTakeTheVersionFromTheFile()
    {
        Assert.StartsWith("vifibnet (@VERSION@)", File.ReadAllText(Path.Combine(RepoRoot.Path, "packaging/debian/changelog")));
        Assert.Contains("version=$(cat VERSION)-1", File.ReadAllText(Path.Combine(RepoRoot.Path, "scripts/build-deb.sh")));
    }
}
