namespace Vifibnet.Tests.PowerShell;

/// <summary>New-VifibRegistry, New-VifibToken and Start-VifibRegistry as the cmdlet assembly declares them.</summary>
public class RegistryCmdletMetadataTests
{
    [Fact]
    public void NewVifibRegistry()
    {
        var c = CmdletMetadata.Get("New-VifibRegistry");
        Assert.True(c.SupportsShouldProcess);
        Assert.Equal(["NewNetwork"], c.OutputTypes);
        Assert.Equal(("String", true, 0), (c.Parameter("Path").TypeName, c.Parameter("Path").Mandatory, c.Parameter("Path").Position));
        Assert.Equal(("String", true, 1), (c.Parameter("Network").TypeName, c.Parameter("Network").Mandatory, c.Parameter("Network").Position));
        Assert.Equal(("SwitchParameter", false), (c.Parameter("Force").TypeName, c.Parameter("Force").Mandatory));
        Assert.Equal(["Force", "Network", "Path"], c.Parameters.Select(p => p.Name).Order());
    }

    [Fact]
    public void NewVifibToken()
    {
        var c = CmdletMetadata.Get("New-VifibToken");
        Assert.True(c.SupportsShouldProcess); // it writes to the registry DB
        Assert.Equal(["AdminToken"], c.OutputTypes);
        Assert.True(c.Parameter("Db").Mandatory);
        Assert.False(c.Parameter("Email").Mandatory);
        Assert.Equal(["Db", "Email"], c.Parameters.Select(p => p.Name).Order());
    }

    [Fact]
    public void StartVifibRegistryTakesTheCliOptions()
    {
        var c = CmdletMetadata.Get("Start-VifibRegistry");
        Assert.Equal("Foreground", c.DefaultParameterSet);
        Assert.Equal(["String", "RegistryJob"], c.OutputTypes);
        Assert.Equal(["AsJob", "Bootstrap", "Ca", "Db", "Key", "LogLevel", "MailHost", "Port", "PrefixLength", "Private"], c.Parameters.Select(p => p.Name).Order());
        foreach (var mandatory in new[] { "Port", "Db", "Ca", "Key" })
            Assert.True(c.Parameter(mandatory).Mandatory, $"-{mandatory} must be mandatory");
        Assert.Equal(0, c.Parameter("Port").Position);
        Assert.Equal("String[]", c.Parameter("Bootstrap").TypeName);
        Assert.Contains("ValidateRangeAttribute", c.Parameter("LogLevel").Validation);
        Assert.Equal(["AsJob"], c.Parameter("AsJob").ParameterSets);
    }
}
