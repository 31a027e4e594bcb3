namespace Vifibnet.Tests.PowerShell;

/// <summary>Start-VifibNode, Get-VifibTunnel, Get-VifibNodeStatus and Update-VifibPeers as the cmdlet assembly declares them.</summary>
public class NodeCmdletMetadataTests
{
    [Fact]
    public void StartVifibNodeHasEverySeedOption()
    {
        var c = CmdletMetadata.Get("Start-VifibNode");
        Assert.Equal("Foreground", c.DefaultParameterSet);
        Assert.True(c.SupportsShouldProcess); // it creates and writes peers.db
        Assert.Equal(["NodeJob"], c.OutputTypes);
        // The seed's options in PowerShell spelling: -LogLevel for -v, -ConfigFile for @file, -OpenVpnArgument for what follows --.
        Assert.Equal([
            "AsJob", "Ca", "Cert", "ConfigFile", "ConnectionCount", "Dh", "Hello", "Interface", "Ip", "Key", "Log", "LogLevel",
            "OpenVpnArgument", "PeersDbRefresh", "Pp", "RefreshRate", "Registry", "State", "TunnelRefresh", "Wireless"],
            c.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(c.Parameters.Where(p => p.Name != "AsJob"), p => Assert.False(p.Mandatory, $"-{p.Name} must be optional"));
        foreach (var repeatable in new[] { "Ip", "Interface", "Pp", "ConfigFile", "OpenVpnArgument" })
            Assert.Equal("String[]", c.Parameter(repeatable).TypeName);
        Assert.Equal(("SwitchParameter", "SwitchParameter"), (c.Parameter("Wireless").TypeName, c.Parameter("AsJob").TypeName));
        Assert.Equal("Double", c.Parameter("RefreshRate").TypeName);
        foreach (var ranged in new[] { "RefreshRate", "LogLevel", "Hello", "ConnectionCount", "TunnelRefresh", "PeersDbRefresh" })
            Assert.Contains("ValidateRangeAttribute", c.Parameter(ranged).Validation);
        Assert.Equal(["AsJob"], c.Parameter("AsJob").ParameterSets);
        Assert.True(c.Parameter("AsJob").Mandatory);
    }

    [Fact]
    public void GetVifibTunnelReturnsTunnelsOfAStateDirectory()
    {
        var c = CmdletMetadata.Get("Get-VifibTunnel");
        Assert.Equal(["TunnelInfo"], c.OutputTypes);
        Assert.Equal(["State"], c.Parameters.Select(p => p.Name));
        Assert.Equal(("String", false, 0), (c.Parameter("State").TypeName, c.Parameter("State").Mandatory, c.Parameter("State").Position));
        Assert.False(c.SupportsShouldProcess); // it only reads
    }

    [Fact]
    public void GetVifibNodeStatusReturnsOneTypedStatusOfAStateDirectory()
    {
        var c = CmdletMetadata.Get("Get-VifibNodeStatus");
        Assert.Equal(["NodeStatus"], c.OutputTypes);
        Assert.Equal(["State"], c.Parameters.Select(p => p.Name));
        Assert.Equal(("String", false, 0), (c.Parameter("State").TypeName, c.Parameter("State").Mandatory, c.Parameter("State").Position));
        Assert.Contains("ValidateNotNullOrEmptyAttribute", c.Parameter("State").Validation);
        Assert.False(c.SupportsShouldProcess); // it only reads
    }

    [Fact]
    public void UpdateVifibPeersWritesThePeerDbSoSupportsWhatIf()
    {
        var c = CmdletMetadata.Get("Update-VifibPeers");
        Assert.True(c.SupportsShouldProcess);
        Assert.Equal(["PeersUpdateResult"], c.OutputTypes);
        Assert.Equal(["State"], c.Parameters.Select(p => p.Name));
        Assert.Equal(0, c.Parameter("State").Position);
    }
}
