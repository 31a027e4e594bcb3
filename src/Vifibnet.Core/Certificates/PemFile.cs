using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vifibnet.Certificates;

/// <summary>Reads and writes the PEM files of a network and a node, with clear errors naming the file.</summary>
public static class PemFile
{
    /// <summary>Writes a private key readable by its owner only (mode 0600 from the start, never world-readable).</summary>
    public static void WritePrivateKey(string path, RSA key)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// Takes away any group/other access to an existing key file (a key kept from an earlier run or
    /// copied in by hand); returns the mode it had when it changed it, null when it was already private.
    /// </summary>
    public static UnixFileMode? RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows() || !AccessibleToOthers(path)) return null;
        var mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode & ~GroupAndOthers);
        return mode;
    }

    /// <summary>True when group or other users have any access to the file (never on Windows, which has no such modes).</summary>
    public static bool AccessibleToOthers(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupAndOthers) != 0;

    const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static void WriteCertificate(string path, X509Certificate2 certificate) =>
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    public static X509Certificate2 ReadCertificate(string path, string what)
    {
        var text = ReadText(path, what);
        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new CertificateException($"{what} '{path}' is not a PEM certificate: {e.Message}", e);
        }
    }

    public static RSA ReadPrivateKey(string path, string what)
    {
        var text = ReadText(path, what);
        var key = RSA.Create();
        try
        {
            key.ImportFromPem(text);
            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new CertificateException($"{what} '{path}' is not a PEM RSA private key: {e.Message}", e);
        }
    }

    static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateException($"cannot read {what} '{path}': {e.Message}", e);
        }
    }
}
