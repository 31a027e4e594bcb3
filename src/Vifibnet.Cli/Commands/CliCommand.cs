namespace Vifibnet.Cli.Commands;

/// <summary>What a command gets: its arguments, where to print, and Ctrl+C/SIGTERM as a token.</summary>
public sealed record CommandContext(string[] Args, TextWriter Out, TextWriter Error, CancellationToken Cancel);

/// <summary>One `vifibnet` subcommand.</summary>
public sealed record CliCommand(string Name, string Summary, Func<CommandContext, Task<int>> Run);

/// <summary>Bad command-line usage: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
