namespace Vifibnet.Logging;

/// <summary>
/// Appends log records to a file, one line each; thread-safe. <see cref="ReopenAll"/> (the CLI calls
/// it on SIGHUP, which logrotate's postrotate sends) closes and reopens every open sink's file, so a
/// rotated file is let go and a new one started at the same path.
/// </summary>
public sealed class FileLogSink : IDisposable
{
    static readonly HashSet<FileLogSink> Open = [];
    readonly string path;
    readonly object gate = new();
    StreamWriter? writer;

    public FileLogSink(string path)
    {
        this.path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(this.path)!);
        writer = OpenWriter();
        lock (Open) Open.Add(this);
    }

    public void Write(LogRecord record) => WriteLine(record.ToString());

    /// <summary>One line as it is (a child's own output); dropped once disposed.</summary>
    public void WriteLine(string line)
    {
        lock (gate) writer?.WriteLine(line);
    }

    /// <summary>Closes the file and opens it again at the same path (a new file if it was moved away).</summary>
    public void Reopen()
    {
        lock (gate)
        {
            if (writer is null) return;
            writer.Dispose();
            writer = OpenWriter();
        }
    }

    /// <summary>Reopens every sink open in this process and returns how many reopened; a sink that cannot reopen keeps quiet rather than fail the caller.</summary>
    public static int ReopenAll()
    {
        FileLogSink[] sinks;
        lock (Open) sinks = [.. Open];
        var reopened = 0;
        foreach (var sink in sinks)
        {
            try { sink.Reopen(); reopened++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the next write is lost, the daemon goes on */ }
        }
        return reopened;
    }

    public void Dispose()
    {
        lock (Open) Open.Remove(this);
        lock (gate) { writer?.Dispose(); writer = null; }
    }

    // Owner-only (0600) whatever the umask: logs name peers and addresses (issue 11).
    StreamWriter OpenWriter() => new(OwnerOnly.OpenAppend(path)) { AutoFlush = true };
}
