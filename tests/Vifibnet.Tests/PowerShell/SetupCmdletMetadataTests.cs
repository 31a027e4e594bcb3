namespace Vifibnet.Tests.PowerShell;

/// <summary>Register-VifibNode and Get-VifibNodeIdentity as the cmdlet assembly declares them.</summary>
public class SetupCmdletMetadataTests
{
    [Fact]
    public void RegisterVifibNodeTakesTheSetupOptions()
    {
        var c = CmdletMetadata.Get("Register-VifibNode");
        Assert.True(c.SupportsShouldProcess); // writes keys, certificates and a DB
        Assert.Equal(["SetupResult"], c.OutputTypes);
        Assert.Equal(["Attribute", "CaOnly", "DbOnly", "DhFile", "Email", "NoBoot", "Path", "Port", "Server", "Token"], c.Parameters.Select(p => p.Name).Order());
        Assert.Equal(("String", true, 0), (c.Parameter("Server").TypeName, c.Parameter("Server").Mandatory, c.Parameter("Server").Position));
        Assert.Equal(("Int32", true, 1), (c.Parameter("Port").TypeName, c.Parameter("Port").Mandatory, c.Parameter("Port").Position));
        Assert.Contains("ValidateRangeAttribute", c.Parameter("Port").Validation);
        Assert.Equal("Hashtable", c.Parameter("Attribute").TypeName);
        foreach (var flag in new[] { "CaOnly", "DbOnly", "NoBoot", "DhFile" })
            Assert.Equal("SwitchParameter", c.Parameter(flag).TypeName);
        Assert.False(c.Parameter("Token").Mandatory);
        Assert.False(c.Parameter("Path").Mandatory);
    }

    [Fact]
    public void GetVifibNodeIdentity()
    {
        var c = CmdletMetadata.Get("Get-VifibNodeIdentity");
        Assert.False(c.SupportsShouldProcess); // reads only
        Assert.Equal(["NodeIdentity"], c.OutputTypes);
        Assert.Equal(["Path"], c.Parameters.Select(p => p.Name));
        Assert.Equal(0, c.Parameter("Path").Position);
    }
}
