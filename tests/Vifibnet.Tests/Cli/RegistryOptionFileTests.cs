using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Cli;

/// <summary>`vifibnet registry @file`, as the unit runs it: errors name the file or the option.</summary>
public sealed class RegistryOptionFileTests
{
    [Fact]
    public async Task MissingFileIsAUsageErrorNamingIt()
    {
        using var dir = new TempDir();
        var r = await CliRun.RunAsync("registry", "@" + dir.File("registry.conf"));
        Assert.Equal(2, r.Code);
        Assert.Contains($"cannot read option file '{dir.File("registry.conf")}'", r.Error);
    }

    [Fact]
    public async Task FileOptionsAreCheckedAsOnTheCommandLine()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad-port.conf"), "# comment\nport eighty\n");
        var r = await CliRun.RunAsync("registry", "@" + dir.File("bad-port.conf"));
        Assert.Equal(2, r.Code);
        Assert.Contains("--port 'eighty' is not a port number", r.Error);

        File.WriteAllText(dir.File("includes.conf"), "port 8000\n@missing.conf\n");
        r = await CliRun.RunAsync("registry", "@" + dir.File("includes.conf"));
        Assert.Equal(2, r.Code);
        Assert.Contains(dir.File("missing.conf"), r.Error);

        File.WriteAllText(dir.File("unknown.conf"), "port 8000\nfrobnicate yes\n");
        Assert.Contains("unknown option '--frobnicate'", (await CliRun.RunAsync("registry", "@" + dir.File("unknown.conf"))).Error);
    }
}
