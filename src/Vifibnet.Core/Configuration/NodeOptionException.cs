namespace Vifibnet.Configuration;

/// <summary>A bad node option: the message names the option, and the @file and line when it came from one.</summary>
public sealed class NodeOptionException(string message, string? file = null, int line = 0, Exception? inner = null)
    : Exception(file is null ? message : $"{file}:{line}: {message}", inner)
{
    /// <summary>The @file the bad option came from, or null for the command line.</summary>
    public string? File { get; } = file;

    /// <summary>The line in <see cref="File"/> (1-based), or 0.</summary>
    public int Line { get; } = line;
}
