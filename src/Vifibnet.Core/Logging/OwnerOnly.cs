namespace Vifibnet.Logging;

/// <summary>
/// Files and directories only their owner may read or enter, whatever the umask: logs and DBs name
/// peers and addresses, and a socket in the run directory lets whoever reaches it stop tunnels.
/// Existing ones are tightened too (made by an older version or under a looser umask).
/// </summary>
public static class OwnerOnly
{
    const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode Dir0700 = File0600 | UnixFileMode.UserExecute;

    /// <summary>Creates the directory (mode 0700) or makes an existing one 0700.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(path); return; }
        Directory.CreateDirectory(path, Dir0700);
        File.SetUnixFileMode(path, Dir0700);
    }

    /// <summary>Opens <paramref name="path"/> for appending, created 0600 or made 0600.</summary>
    public static FileStream OpenAppend(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Delete: logrotate may move the file away while it is open (FileLogSink.Reopen starts a new one).
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (OperatingSystem.IsWindows()) return new FileStream(path, options);
        options.UnixCreateMode = File0600;
        var stream = new FileStream(path, options);
        File.SetUnixFileMode(stream.SafeFileHandle, File0600);
        return stream;
    }

    /// <summary>Makes each existing file 0600 (missing ones are skipped).</summary>
    public static void Restrict(params string[] paths)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (var path in paths)
            if (File.Exists(path)) File.SetUnixFileMode(path, File0600);
    }
}
