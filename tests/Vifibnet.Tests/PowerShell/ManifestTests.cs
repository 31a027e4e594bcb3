using System.Text.RegularExpressions;

namespace Vifibnet.Tests.PowerShell;

/// <summary>Vifibnet.psd1 loads the cmdlet assembly and exports exactly the cmdlets it defines.</summary>
public class ManifestTests
{
    static string Manifest => File.ReadAllText(Path.Combine(CmdletMetadata.RepoRoot, "Vifibnet.psd1"));

    [Fact]
    public void ExportsExactlyTheCmdletClassesOfTheAssembly()
    {
        var block = Regex.Match(Manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        var exported = Regex.Matches(block, @"'([^']+)'").Select(m => m.Groups[1].Value).Order().ToList();
        var defined = CmdletMetadata.Cmdlets.Select(c => c.Name).Order().ToList();
        Assert.NotEmpty(defined);
        Assert.Equal(defined, exported);
    }

    [Fact]
    public void RootModuleIsTheCmdletAssembly() =>
        Assert.Matches(@"RootModule\s*=\s*'Vifibnet\.PowerShell\.dll'", Manifest);

    [Fact]
    public void EveryCmdletIsSealedWithAnApprovedVerbAndAnOutputType()
    {
        // The approved verbs these cmdlets use (Get-Verb); a new verb must be added here knowingly.
        string[] approved = ["New", "Start", "Stop", "Get", "Set", "Register", "Update", "Test", "Remove"];
        Assert.All(CmdletMetadata.Cmdlets, c =>
        {
            Assert.True(c.IsSealed, $"{c.ClassName} is not sealed");
            Assert.Equal($"{c.Verb}{c.Noun}Command", c.ClassName);
            Assert.Contains(c.Verb, approved);
            Assert.StartsWith("Vifib", c.Noun);
            Assert.NotEmpty(c.OutputTypes);
        });
    }
}
