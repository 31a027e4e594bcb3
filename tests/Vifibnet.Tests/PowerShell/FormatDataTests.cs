using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vifibnet.Tunnels;

namespace Vifibnet.Tests.PowerShell;

/// <summary>module/Vifibnet.Format.ps1xml: loaded by the manifest, and its views name real types and properties.</summary>
public class FormatDataTests
{
    static string Root => CmdletMetadata.RepoRoot;

    [Fact]
    public void ManifestLoadsTheFormatFileShippedInModule()
    {
        var manifest = File.ReadAllText(Path.Combine(Root, "Vifibnet.psd1"));
        var formats = Regex.Match(manifest, @"FormatsToProcess\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        Assert.Contains("'Vifibnet.Format.ps1xml'", formats);
        Assert.True(File.Exists(Path.Combine(Root, "module", "Vifibnet.Format.ps1xml")));
    }

    [Fact]
    public void TunnelViewShowsEveryTunnelInfoProperty()
    {
        var xml = XDocument.Load(Path.Combine(Root, "module", "Vifibnet.Format.ps1xml"));
        var view = xml.Descendants("View").Single(v => v.Element("Name")!.Value == "VifibTunnel");
        Assert.Equal(typeof(TunnelInfo).FullName, view.Descendants("TypeName").Single().Value);
        var labels = view.Descendants("Label").Select(l => l.Value).ToList();
        var properties = typeof(TunnelInfo).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList();
        Assert.Equal(properties.Order(), labels.Order());
        Assert.All(view.Descendants("PropertyName").Select(p => p.Value), name => Assert.Contains(name, properties));
    }
}
