namespace Vifibnet.Tests.Support;

/// <summary>The built `vifibnet` CLI (copied next to the tests), run as `dotnet vifibnet.dll ...`.</summary>
public static class CliProgram
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "vifibnet.dll");

    /// <summary>The dotnet host running these tests, so the CLI runs on the same runtime.</summary>
    public static string Dotnet
    {
        get
        {
            var self = Environment.ProcessPath;
            if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
            if (root is not null && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
            return Requires.Tool("dotnet", "dotnet-sdk (see README)");
        }
    }

    /// <summary>dotnet, vifibnet.dll, then the arguments: for `ip netns exec NS ...`.</summary>
    public static string[] CommandLine(params string[] args) => [Dotnet, Dll, .. args];
}
