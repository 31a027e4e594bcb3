namespace Vifibnet.Processes;

/// <summary>Finds the system programs the node drives, and says which Debian package brings a missing one.</summary>
public static class Tools
{
    public const string OpenVpn = "openvpn", Babeld = "babeld", Ip = "ip";

    static readonly Dictionary<string, string> Packages = new()
    {
        [OpenVpn] = "openvpn",
        [Babeld] = "babeld",
        [Ip] = "iproute2",
        ["nft"] = "nftables",
        ["ping"] = "iputils-ping",
    };

    /// <summary>The full path of the program, or throws <see cref="ToolNotFoundException"/>.</summary>
    public static string Find(string program) =>
        Find(program, (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]));

    /// <summary>The program's path in one of <paramref name="directories"/>, or throws <see cref="ToolNotFoundException"/>.</summary>
    public static string Find(string program, IEnumerable<string> directories)
    {
        foreach (var dir in directories)
        {
            var path = Path.Combine(dir, program);
            if (File.Exists(path)) return path;
        }
        throw new ToolNotFoundException(program, Packages.GetValueOrDefault(program, program));
    }
}
