using System.Text;
using System.Text.RegularExpressions;

namespace Vifibnet.Cli.Commands;

/// <summary>`vifibnet completion bash`: a bash completion script, made from the command table and each command's own help.</summary>
public static partial class CompletionCommand
{
    public const string Help = "usage: vifibnet completion bash   (source it, or install it as /usr/share/bash-completion/completions/vifibnet)";

    public static readonly CliCommand Command = new("completion", "print a shell completion script (bash)", RunAsync);

    static async Task<int> RunAsync(CommandContext context)
    {
        if (context.Args is ["-h" or "--help"]) { context.Out.WriteLine(Help); return CommandLine.Ok; }
        if (context.Args is not ["bash"]) throw new UsageException(context.Args.Length == 0 ? "which shell? " + Help : $"unsupported shell '{context.Args[0]}' (bash only)");
        context.Out.Write(await BashScriptAsync());
        return CommandLine.Ok;
    }

    /// <summary>The script: command names first, then the options the command's --help names; files for anything else (@file, paths).</summary>
    public static async Task<string> BashScriptAsync()
    {
        var script = new StringBuilder();
        script.Append("# bash completion for vifibnet (made by `vifibnet completion bash`)\n");
        script.Append("_vifibnet()\n{\n    local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} opts\n");
        script.Append("    if [ \"$COMP_CWORD\" -eq 1 ]; then\n");
        script.Append($"        COMPREPLY=($(compgen -W \"{string.Join(' ', CommandLine.Commands.Select(c => c.Name))} --help --version\" -- \"$cur\"))\n");
        script.Append("        return\n    fi\n    case $cmd in\n");
        foreach (var command in CommandLine.Commands)
            script.Append($"        {command.Name}) opts=\"{string.Join(' ', await OptionsOfAsync(command))}\" ;;\n");
        script.Append("        *) opts= ;;\n    esac\n");
        script.Append("    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n");
        script.Append("    else\n        COMPREPLY=($(compgen -f -- \"${cur#@}\"))\n        [[ $cur == @* ]] && COMPREPLY=(\"${COMPREPLY[@]/#/@}\")\n    fi\n}\n");
        script.Append("complete -o filenames -F _vifibnet vifibnet\n");
        return script.ToString();
    }

    /// <summary>Every option a command's help names (usage errors print the usage too, so both streams are read).</summary>
    static async Task<IEnumerable<string>> OptionsOfAsync(CliCommand command)
    {
        if (command == Command) return ["bash"];
        var output = new StringWriter();
        await command.Run(new CommandContext(["--help"], output, output, CancellationToken.None)).ContinueWith(_ => { });
        return OptionPattern().Matches(output.ToString()).Select(m => m.Value).Where(o => o != "--").Distinct().Order(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"(?<![\w-])--?[a-z][a-z-]*")]
    private static partial Regex OptionPattern();
}
