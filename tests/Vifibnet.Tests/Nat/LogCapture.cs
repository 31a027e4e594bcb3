using System.Collections.Concurrent;
using Vifibnet.Logging;

namespace Vifibnet.Tests.Nat;

/// <summary>A logger whose records the test can read back (the engine's own Logger with a list sink).</summary>
sealed class LogCapture
{
    readonly ConcurrentQueue<LogRecord> records = new();

    public LogCapture() => Logger = new Logger(LogLevel.Trace, records.Enqueue);

    public Logger Logger { get; }

    public IReadOnlyList<LogRecord> Records => records.ToArray();

    public IEnumerable<LogRecord> At(LogLevel level) => records.Where(r => r.Level == level);

    public override string ToString() => string.Join('\n', records);
}
