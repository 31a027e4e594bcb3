namespace Vifibnet.Cli.Commands;

/// <summary>What a command gets: its arguments, where to print, Ctrl+C/SIGTERM as a token, and where to read answers (the terminal unless given).</summary>
public sealed record CommandContext(string[] Args, TextWriter Out, TextWriter Error, CancellationToken Cancel, TextReader? In = null);

/// <summary>One `vifibnet` subcommand.</summary>
public sealed record CliCommand(string Name, string Summary, Func<CommandContext, Task<int>> Run);

/// <summary>Bad command-line usage: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
