namespace Vifibnet.Processes;

/// <summary>Finds the system programs the node drives, and says which Debian package brings a missing one.</summary>
public static class Tools
{
    public const string OpenVpn = "openvpn", Babeld = "babeld", Ip = "ip", Ping = "ping";

    static readonly Dictionary<string, string> Packages = new()
    {
        [OpenVpn] = "openvpn",
        [Babeld] = "babeld",
        [Ip] = "iproute2",
        ["nft"] = "nftables",
        [Ping] = "iputils-ping",
    };

    static IEnumerable<string> PathDirectories =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The full path of the program, or throws <see cref="ToolNotFoundException"/>.</summary>
    public static string Find(string program) =>
        Find(program, PathDirectories.Concat(["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]));

    /// <summary>The program's path in one of <paramref name="directories"/>, or throws <see cref="ToolNotFoundException"/>.</summary>
    public static string Find(string program, IEnumerable<string> directories) =>
        TryFind(program, directories) ?? throw new ToolNotFoundException(program, Packages.GetValueOrDefault(program, program));

    /// <summary>The program's path in one of <paramref name="directories"/>, or null.</summary>
    public static string? TryFind(string program, IEnumerable<string> directories) =>
        directories.Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    /// <summary>Whether Process.Start would find it: a path that exists, or a name on PATH.</summary>
    public static bool IsStartable(string program) =>
        program.Contains('/') ? File.Exists(program) : TryFind(program, PathDirectories) is not null;
}
