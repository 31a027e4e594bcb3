using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Vifibnet.PowerShell.Hosting;

/// <summary>
/// Runs when PowerShell imports the module. PowerShell does not read the module's deps.json, so .NET
/// never looks for SQLite's native library (e_sqlite3) in the module folder: resolve it here. Also
/// arms <see cref="RunningWork"/>, which stops what the module started when PowerShell exits.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    static int hooked;

    public void OnImport()
    {
        // Import-Module -Force runs this again in the same process: hook once.
        if (Interlocked.Exchange(ref hooked, 1) == 1) return;
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveNative;
        RunningWork.StopAllOnExit();
    }

    public void OnRemove(PSModuleInfo module)
    {
        // The handler stays: assemblies cannot unload, and a later Import-Module needs it again.
    }

    static IntPtr ResolveNative(Assembly requester, string name)
    {
        var moduleDir = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
        foreach (var candidate in NativeLibraryCandidates(moduleDir, name))
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>Where a RID-specific publish puts it (beside the assembly), then a portable publish's runtimes folder.</summary>
    internal static IEnumerable<string> NativeLibraryCandidates(string moduleDir, string name)
    {
        var file = name.StartsWith("lib", StringComparison.Ordinal) || name.EndsWith(".so", StringComparison.Ordinal) ? name : $"lib{name}.so";
        yield return Path.Combine(moduleDir, file);
        yield return Path.Combine(moduleDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", file);
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        yield return Path.Combine(moduleDir, "runtimes", $"linux-{arch}", "native", file);
    }
}
