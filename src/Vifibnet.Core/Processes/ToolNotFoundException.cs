namespace Vifibnet.Processes;

/// <summary>A program the node drives is not installed; the message names the Debian package.</summary>
public sealed class ToolNotFoundException(string program, string debianPackage)
    : Exception($"'{program}' is not installed (not found on PATH, /usr/sbin or /sbin): install it with 'apt-get install {debianPackage}'")
{
    public string Program { get; } = program;
    public string DebianPackage { get; } = debianPackage;
}
