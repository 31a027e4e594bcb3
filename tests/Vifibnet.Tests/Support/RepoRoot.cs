namespace Vifibnet.Tests.Support;

/// <summary>The checkout these tests were built from: the directory above the test binaries holding Vifibnet.slnx.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Vifibnet.slnx"))) return dir.FullName;
        throw new Xunit.Sdk.XunitException($"no Vifibnet.slnx above {AppContext.BaseDirectory}");
    }
}
