namespace Vifibnet.Processes;

/// <summary>Finds the `vifibnet` CLI shipped beside an assembly (the module folder, or a test's output folder).</summary>
public static class VifibnetExecutable
{
    /// <summary>The program and leading arguments that run `vifibnet` from <paramref name="directory"/>.</summary>
    public static (string FileName, IReadOnlyList<string> Prefix) In(string directory)
    {
        var apphost = Path.Combine(directory, OperatingSystem.IsWindows() ? "vifibnet.exe" : "vifibnet");
        if (File.Exists(apphost)) return (apphost, []);
        var dll = Path.Combine(directory, "vifibnet.dll");
        if (File.Exists(dll)) return ("dotnet", [dll]);
        throw new ChildProcessException($"the vifibnet program is not in '{directory}': the module ships it there (build.ps1 package)");
    }
}
