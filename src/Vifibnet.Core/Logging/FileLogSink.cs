namespace Vifibnet.Logging;

/// <summary>Appends log records to a file, one line each; thread-safe.</summary>
public sealed class FileLogSink : IDisposable
{
    readonly StreamWriter writer;
    readonly object gate = new();

    public FileLogSink(string path)
    {
        writer = new StreamWriter(OwnerOnly.OpenAppend(path)) { AutoFlush = true };
    }

    public void Write(LogRecord record)
    {
        lock (gate) writer.WriteLine(record.ToString());
    }

    public void Dispose()
    {
        lock (gate) writer.Dispose();
    }
}
