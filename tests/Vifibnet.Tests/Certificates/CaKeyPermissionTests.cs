using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Certificates;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CaKeyPermissionTests
{
    [Fact]
    public void ACaKeyOthersCanReadIsWarnedAboutAndAPrivateOneIsNot()
    {
        using var dir = new TempDir();
        var (caPath, keyPath) = (dir.File("ca.crt"), dir.File("ca.key"));
        using (var created = CertificateAuthority.Create(NetworkPrefix.Parse("2001:db8:42::/48")))
            created.Save(caPath, keyPath);
        var records = new List<LogRecord>();
        var log = new Logger(LogLevel.Trace, records.Add);

        using (CertificateAuthority.Load(caPath, keyPath, log)) { }
        Assert.Empty(records); // Save wrote it 0600

        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (var loaded = CertificateAuthority.Load(caPath, keyPath, log))
            Assert.Equal("2001:db8:42::/48", loaded.Network.ToString());
        var warning = Assert.Single(records);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(keyPath, warning.Message);
        Assert.Contains("chmod 600", warning.Message);
        // Only a warning: the file's mode is the operator's to change.
        Assert.True(PemFile.AccessibleToOthers(keyPath));
    }
}
