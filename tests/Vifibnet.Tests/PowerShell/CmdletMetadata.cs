using System.Reflection;
using System.Runtime.InteropServices;

namespace Vifibnet.Tests.PowerShell;

/// <summary>One parameter of a cmdlet as its attributes declare it.</summary>
public sealed record CmdletParameter(string Name, string TypeName, bool Mandatory, int? Position, IReadOnlyList<string> ParameterSets, IReadOnlyList<string> Validation);

/// <summary>One cmdlet class as its attributes declare it.</summary>
public sealed record CmdletClass(string ClassName, string Verb, string Noun, bool IsSealed, bool SupportsShouldProcess,
    string? DefaultParameterSet, IReadOnlyList<string> OutputTypes, IReadOnlyList<CmdletParameter> Parameters)
{
    public string Name => $"{Verb}-{Noun}";
    public CmdletParameter Parameter(string name) =>
        Parameters.SingleOrDefault(p => p.Name == name) ?? throw new Xunit.Sdk.XunitException($"{Name} has no parameter -{name}; it has {string.Join(", ", Parameters.Select(p => p.Name))}");
}

/// <summary>
/// Reads the built cmdlet assembly (Vifibnet.PowerShell.dll) with MetadataLoadContext: no PowerShell
/// runtime can run here, but the attributes that define each cmdlet can be checked. Shared by every
/// cmdlet metadata test.
/// </summary>
public static class CmdletMetadata
{
    static readonly Lazy<IReadOnlyList<CmdletClass>> All = new(Load);

    public static IReadOnlyList<CmdletClass> Cmdlets => All.Value;

    public static CmdletClass Get(string name) =>
        Cmdlets.SingleOrDefault(c => c.Name == name) ?? throw new Xunit.Sdk.XunitException($"no cmdlet {name} in Vifibnet.PowerShell.dll; found {string.Join(", ", Cmdlets.Select(c => c.Name))}");

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Vifibnet.slnx"))) return dir.FullName;
            throw new Xunit.Sdk.XunitException($"no Vifibnet.slnx above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The cmdlet assembly built in the same configuration as this test assembly.</summary>
    public static string AssemblyPath
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0/
            var path = Path.Combine(RepoRoot, "src", "Vifibnet.PowerShell", "bin", configuration, "net8.0", "Vifibnet.PowerShell.dll");
            return File.Exists(path) ? path : throw new Xunit.Sdk.XunitException($"cmdlet assembly not built: {path} (dotnet build Vifibnet.slnx)");
        }
    }

    static string SmaPath()
    {
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(home, "powershellstandard.library", "5.1.0-preview-06", "lib", "netstandard2.0", "System.Management.Automation.dll");
        return File.Exists(path) ? path : throw new Xunit.Sdk.XunitException($"PowerShellStandard.Library not restored: {path}");
    }

    static IReadOnlyList<CmdletClass> Load()
    {
        var assemblyPath = AssemblyPath;
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(Path.GetDirectoryName(assemblyPath)!, "*.dll"))
            .Append(SmaPath())
            .GroupBy(Path.GetFileName).Select(g => g.First());
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        var assembly = context.LoadFromAssemblyPath(assemblyPath);
        var list = new List<CmdletClass>();
        foreach (var type in assembly.GetTypes())
        {
            var cmdlet = type.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute");
            if (cmdlet is null) continue;
            list.Add(new CmdletClass(type.Name, (string)cmdlet.ConstructorArguments[0].Value!, (string)cmdlet.ConstructorArguments[1].Value!,
                type.IsSealed, Named(cmdlet, "SupportsShouldProcess") is true, Named(cmdlet, "DefaultParameterSetName") as string,
                OutputTypes(type), Parameters(type)));
        }
        return list;
    }

    static object? Named(CustomAttributeData data, string name) =>
        data.NamedArguments.Where(a => a.MemberName == name).Select(a => a.TypedValue.Value).FirstOrDefault();

    static IReadOnlyList<string> OutputTypes(Type type) =>
        type.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> items ? items : [arg])
            .Select(item => item.Value is Type t ? t.Name : item.Value?.ToString() ?? "")
            .ToList();

    static IReadOnlyList<CmdletParameter> Parameters(Type type)
    {
        var list = new List<CmdletParameter>();
        foreach (var property in type.GetProperties())
        {
            var attributes = property.GetCustomAttributesData();
            var parameters = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute").ToList();
            if (parameters.Count == 0) continue;
            var position = parameters.Select(p => Named(p, "Position")).OfType<int>().Cast<int?>().FirstOrDefault();
            list.Add(new CmdletParameter(property.Name, property.PropertyType.Name,
                parameters.Any(p => Named(p, "Mandatory") is true), position,
                parameters.Select(p => Named(p, "ParameterSetName") as string ?? "__AllParameterSets").ToList(),
                attributes.Where(a => a.AttributeType.Name.StartsWith("Validate", StringComparison.Ordinal)).Select(a => a.AttributeType.Name).ToList()));
        }
        return list;
    }
}
