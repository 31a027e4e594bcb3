namespace Vifibnet.Tests.Support;

/// <summary>
/// The `vifibnet` program the end-to-end tests run: the built CLI copied next to the tests, as
/// `dotnet vifibnet.dll ...`, or, with VIFIBNET_PROGRAM set, that published program as users get it
/// (scripts/test.sh sets it to the .deb's natively compiled one). Start it as <see cref="File"/>
/// with <see cref="Leading"/> before the arguments.
/// </summary>
public static class CliProgram
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "vifibnet.dll");

    /// <summary>VIFIBNET_PROGRAM's program (a full path), or null: the built vifibnet.dll.</summary>
    public static string? Native { get; } = Resolve(Environment.GetEnvironmentVariable("VIFIBNET_PROGRAM"));

    /// <summary>The file to execute: the native program, or the dotnet host running these tests (same runtime).</summary>
    public static string File => Native ?? Dotnet;

    /// <summary>The arguments before vifibnet's own: vifibnet.dll for dotnet, none for the native program.</summary>
    public static string[] Leading => Native is null ? [Dll] : [];

    static string? Resolve(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        var full = Path.GetFullPath(path);
        if (!System.IO.File.Exists(full)) throw new InvalidOperationException($"VIFIBNET_PROGRAM={path}: no such program (scripts/build-deb.sh makes out/deb/publish/vifibnet)");
        return full;
    }

    /// <summary>The dotnet host running these tests, so the CLI runs on the same runtime.</summary>
    public static string Dotnet
    {
        get
        {
            var self = Environment.ProcessPath;
            if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
            if (root is not null && System.IO.File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
            return Requires.Tool("dotnet", "dotnet-sdk (see README)");
        }
    }

    /// <summary>The program then its leading arguments, then <paramref name="args"/>: for `ip netns exec NS ...`.</summary>
    public static string[] CommandLine(params string[] args) => [File, .. Leading, .. args];
}
