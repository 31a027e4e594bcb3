namespace Vifibnet.Processes;

/// <summary>A short-lived system command (ip, ...) exited with an error; the message has the command and its output.</summary>
public sealed class CommandFailedException(string command, int exitCode, string output)
    : Exception($"'{command}' failed with exit code {exitCode}: {output.Trim()}")
{
    public int ExitCode { get; } = exitCode;
    public string Output { get; } = output;
}
