using System.Runtime.InteropServices;
using System.Text;

namespace Vifibnet.Configuration;

/// <summary>
/// Reads an @file: a regular file of at most <see cref="MaxBytes"/>. `@/dev/zero` would fill memory and
/// `@FIFO` would block forever, so the file's type is asked of the system before it is opened, and the
/// read stops at the bound whatever the file says its size is.
/// </summary>
static class OptionFile
{
    /// <summary>Far more than any real option file (a few hundred bytes).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The file's lines; throws <see cref="IOException"/> saying why it is refused.</summary>
    public static string[] ReadLines(string path)
    {
        if (!OperatingSystem.IsWindows() && FileType(path) is { } type && type != RegularFile)
            throw new IOException($"'{path}' is not a regular file ({TypeName(type)}): an option file must be one");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        var buffer = new byte[MaxBytes + 1];
        var read = 0;
        while (read < buffer.Length && stream.Read(buffer, read, buffer.Length - read) is var n and > 0) read += n;
        if (read > MaxBytes) throw new IOException($"'{path}' is larger than {MaxBytes / 1024} KB: not an option file");
        return Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings("\n").Split('\n');
    }

    const int TypeMask = 0xF000, RegularFile = 0x8000;

    static string TypeName(int type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => $"type 0x{type:X}",
    };

    /// <summary>The S_IFMT bits of the file (symbolic links followed), or null when the system cannot say.</summary>
    static int? FileType(string path)
    {
        try
        {
            // The .NET runtime's own portable stat (same layout on every architecture), which File.Exists uses too.
            return Stat(path, out var status) == 0 ? status.Mode & TypeMask : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct FileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        // The rest (times, device, inode...) is not read; room is left for it.
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 32)]
        public long[] Rest;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, SetLastError = true)]
    static extern int Stat(string path, out FileStatus status);
}
