using System.Globalization;
using Vifibnet.Certificates;
using Vifibnet.Configuration;
using Vifibnet.Logging;
using Vifibnet.Processes;

namespace Vifibnet.Node;

/// <summary>Checks and clean-ups done before a node starts any process.</summary>
public static class NodeStartup
{
    /// <summary>
    /// Reads who we are from --ca/--cert/--key, failing with a message naming the file when one is
    /// missing or unreadable, the certificate was not issued by the CA, is out of date, or the key is not its.
    /// </summary>
    public static NodeIdentity CheckIdentity(NodeOptions o, DateTimeOffset now)
    {
        var identity = NodeIdentity.FromFiles(o.CaPath, o.CertPath);
        using var cert = PemFile.ReadCertificate(o.CertPath, "certificate");
        using var key = PemFile.ReadPrivateKey(o.KeyPath, "node key");
        if (!CertificateChecks.MatchesKey(cert, key))
            throw new CertificateException($"node key '{o.KeyPath}' does not belong to certificate '{o.CertPath}'");
        if (!CertificateChecks.IsCurrent(cert, now))
            throw new CertificateException($"certificate '{o.CertPath}' is valid from {cert.NotBefore:u} to {cert.NotAfter:u}, not now: `vifibnet renew` renews it within the registry's grace period after expiry, else register again with setup (docs/lifecycle.md)");
        if (o.Dh is not null && !File.Exists(o.Dh))
            throw new NodeDaemonException(NodeErrorKind.InvalidOption, $"--dh file '{o.Dh}' does not exist");
        return identity;
    }

    /// <summary>openvpn, babeld and ip must be installed; the error names the Debian package.</summary>
    public static void CheckTools()
    {
        Tools.Find(Tools.OpenVpn);
        Tools.Find(Tools.Babeld);
        Tools.Find(Tools.Ip);
    }

    /// <summary>
    /// Kills openvpn/babeld processes a previous run of this node left behind (it was killed before it
    /// could stop them): a pid file in our run directory whose process still names that directory.
    /// </summary>
    public static void KillLeftovers(NodePaths paths, Logger log)
    {
        if (!Directory.Exists(paths.RunDir)) return;
        foreach (var pidFile in Directory.EnumerateFiles(paths.RunDir, "*.pid"))
        {
            try
            {
                if (!int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
                var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
                if (!cmdline.Contains(paths.RunDir)) continue;
                log.Warning($"killing process {pid} left by an earlier run of this node: {cmdline.Trim()}");
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already: nothing to clean.
            }
            finally
            {
                // Stale either way: the process is gone, or the pid now belongs to someone else.
                File.Delete(pidFile);
            }
        }
    }
}
