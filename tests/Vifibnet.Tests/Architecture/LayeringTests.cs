using System.Text.RegularExpressions;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Architecture;

/// <summary>
/// The layering of docs/architecture.md, checked against the source: each Core folder names only the
/// folders its row allows (in `using Vifibnet.X` or a qualified `Vifibnet.X.Name`), Core names no
/// surface, and the module never references the lab.
/// </summary>
public sealed partial class LayeringTests
{
    static readonly string Root = RepoRoot.Path;
    static readonly string CoreDir = Path.Combine(Root, "src", "Vifibnet.Core");

    [Fact]
    public void EveryCoreFolderUsesOnlyTheFoldersItsRowAllows()
    {
        var allowed = AllowedTable();
        var violations = new List<string>();
        foreach (var folder in CoreFolders())
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(CoreDir, folder), "*.cs", SearchOption.AllDirectories))
            {
                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                    foreach (Match m in NamespaceReference().Matches(lines[i]))
                    {
                        var used = m.Groups[1].Value;
                        if (used != folder && !allowed[folder].Contains(used))
                            violations.Add($"{Path.GetRelativePath(Root, file)}:{i + 1}: {folder} uses {used}");
                    }
            }
        }
        Assert.True(violations.Count == 0,
            "Core folders use folders their row in docs/architecture.md does not allow (move the code down, or change the design and the table):\n"
            + string.Join('\n', violations));
    }

    [Fact]
    public void EveryCoreFolderHasARowAndEveryRowAFolder()
    {
        var table = AllowedTable();
        Assert.Equal(CoreFolders().Order(StringComparer.Ordinal), table.Keys.Order(StringComparer.Ordinal));
        Assert.All(table.Values.SelectMany(v => v), used => Assert.Contains(used, table.Keys));
    }

    [Fact]
    public void TheModuleNeverReferencesTheLabAndCoreReferencesNoProject()
    {
        var module = File.ReadAllText(Path.Combine(Root, "src", "Vifibnet.PowerShell", "Vifibnet.PowerShell.csproj"));
        var core = File.ReadAllText(Path.Combine(CoreDir, "Vifibnet.Core.csproj"));

        Assert.DoesNotContain("Vifibnet.Lab", module);
        Assert.DoesNotContain("ProjectReference", core);
    }

    [Fact]
    public void TheTableFindsAViolationWhereThereIsOne()
    {
        // Guards the scanner itself: a line naming a higher folder must be caught.
        var matches = NamespaceReference().Matches("using Vifibnet.Node; var x = Vifibnet.Tunnels.TunnelPolicy.Choose();");

        Assert.Equal(["Node", "Tunnels"], matches.Select(m => m.Groups[1].Value));
        Assert.DoesNotContain("Node", AllowedTable()["Addressing"]);
    }

    static IEnumerable<string> CoreFolders() =>
        Directory.EnumerateDirectories(CoreDir).Select(Path.GetFileName).OfType<string>().Where(d => d is not ("bin" or "obj"));

    /// <summary>folder → the folders it may use, read from the rows between the layering-table markers.</summary>
    static Dictionary<string, HashSet<string>> AllowedTable()
    {
        var doc = File.ReadAllLines(Path.Combine(Root, "docs", "architecture.md"));
        var start = Array.FindIndex(doc, l => l.StartsWith("<!-- layering table", StringComparison.Ordinal));
        var end = Array.FindIndex(doc, l => l.StartsWith("<!-- end of layering table", StringComparison.Ordinal));
        Assert.True(start >= 0 && end > start, "docs/architecture.md has lost its layering-table markers");
        var table = new Dictionary<string, HashSet<string>>();
        foreach (var row in doc[(start + 1)..end].Where(l => l.StartsWith('|')).Skip(2))
        {
            var cells = row.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            table[cells[0]] = cells[1] == "—" ? [] : [.. cells[1].Split(',', StringSplitOptions.TrimEntries)];
        }
        return table;
    }

    /// <summary>`Vifibnet.X` followed by `;` or `.` (a using directive or a qualified name); X is a folder or a surface.</summary>
    [GeneratedRegex(@"\bVifibnet\.([A-Z][A-Za-z]+)\s*[;.]")]
    private static partial Regex NamespaceReference();
}
