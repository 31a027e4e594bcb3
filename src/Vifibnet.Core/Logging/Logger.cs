namespace Vifibnet.Logging;

/// <summary>One log record: what the engine reports instead of writing to a console.</summary>
public sealed record LogRecord(DateTimeOffset Time, LogLevel Level, string Source, string Message, Exception? Exception = null)
{
    public override string ToString() =>
        $"{Time:yyyy-MM-dd HH:mm:ss.fff} {Level.ToString().ToUpperInvariant(),-7} {Source}: {Message}" +
        (Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})");
}

/// <summary>
/// The engine's logger: records at or above <see cref="MinimumLevel"/> go to every sink.
/// The CLI adds a console sink, cmdlets map records to PowerShell streams, the daemon adds a file.
/// </summary>
public sealed class Logger
{
    readonly Action<LogRecord>[] sinks;
    readonly LevelHolder level;

    public string Source { get; }

    public Logger(LogLevel minimumLevel, params Action<LogRecord>[] sinks)
        : this("vifibnet", new LevelHolder { Level = minimumLevel }, sinks) { }

    Logger(string source, LevelHolder level, Action<LogRecord>[] sinks)
    {
        Source = source;
        this.level = level;
        this.sinks = sinks;
    }

    /// <summary>A logger that drops everything.</summary>
    public static Logger Null { get; } = new(LogLevel.Error + 1);

    public LogLevel MinimumLevel { get => level.Level; set => level.Level = value; }

    /// <summary>The same sinks and level, records tagged with another source (e.g. "registry", "tunnels").</summary>
    public Logger For(string source) => new(source, level, sinks);

    public bool IsEnabled(LogLevel l) => l >= level.Level;

    public void Log(LogLevel l, string message, Exception? exception = null)
    {
        if (!IsEnabled(l)) return;
        var record = new LogRecord(DateTimeOffset.UtcNow, l, Source, message, exception);
        foreach (var sink in sinks)
        {
            try { sink(record); }
            catch (Exception) { /* a broken sink must never take the daemon down */ }
        }
    }

    public void Trace(string message) => Log(LogLevel.Trace, message);
    public void Debug(string message) => Log(LogLevel.Debug, message);
    public void Info(string message) => Log(LogLevel.Info, message);
    public void Warning(string message, Exception? e = null) => Log(LogLevel.Warning, message, e);
    public void Error(string message, Exception? e = null) => Log(LogLevel.Error, message, e);

    sealed class LevelHolder { public LogLevel Level; }
}
