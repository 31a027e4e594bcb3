using System.Diagnostics;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Cli;

/// <summary>What an installed command offers a shell: bash completion and help in columns.</summary>
public sealed class ShellSupportTests
{
    [Fact]
    public async Task CompletionScriptOffersCommandsAndEachCommandsOptions()
    {
        var r = await CliRun.RunAsync("completion", "bash");
        Assert.Equal(0, r.Code);
        Assert.Contains("complete -o filenames -F _vifibnet vifibnet", r.Out);
        Assert.Matches(@"node\) opts=""[^""]*--connection-count[^""]*--registry", r.Out);
        Assert.Matches(@"registry\) opts=""[^""]*--bootstrap[^""]*--port", r.Out);
        Assert.Equal(2, (await CliRun.RunAsync("completion", "zsh")).Code);
    }

    [Fact]
    public async Task BashCompletesCommandsAndOptionsWithTheScript()
    {
        using var dir = new TempDir();
        var script = dir.File("vifibnet.bash");
        File.WriteAllText(script, (await CliRun.RunAsync("completion", "bash")).Out);
        // bash itself runs the function, as on TAB: COMP_WORDS and COMP_CWORD set, COMPREPLY read back.
        string Complete(params string[] words)
        {
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"source {script}; COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}; _vifibnet; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
            using var bash = Process.Start(info)!;
            var output = bash.StandardOutput.ReadToEnd();
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, bash.StandardError.ReadToEnd());
            return output;
        }
        Assert.Equal("new-registry\nnetwork-config\nnode\n", Complete("vifibnet", "n"));
        Assert.Contains("--connection-count\n", Complete("vifibnet", "node", "--conn"));
        Assert.Equal("--tunnel-refresh\n--tunnel-timeout\n", Complete("vifibnet", "node", "--tun"));
    }

    [Fact]
    public async Task NodeHelpIsInTwoAlignedColumns()
    {
        var r = await CliRun.RunAsync("node", "--help");
        var rows = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.True(rows.Count > 15);
        // Every description starts at the same column: after the longest option and its values, two spaces.
        static int DescriptionColumn(string line)
        {
            var gap = line.IndexOf("  ", line.Length - line.TrimStart().Length, StringComparison.Ordinal);
            return gap < 0 ? -1 : gap + line[gap..].Length - line[gap..].TrimStart().Length;
        }
        var columns = rows.Select(DescriptionColumn).Distinct().ToList();
        Assert.True(columns.Count == 1 && columns[0] > 0, "descriptions start at columns " + string.Join(", ", columns) + ":\n" + r.Out);
    }
}
