namespace Vifibnet.Logging;

/// <summary>
/// Running under systemd: its journal takes stdout, adds the time itself and reads a syslog priority
/// from a "&lt;N&gt;" line prefix (sd-daemon(3)), so lines carry no timestamp of their own.
/// </summary>
public static class Journal
{
    /// <summary>Whether systemd started this process (it sets JOURNAL_STREAM when stdout is the journal, INVOCATION_ID for every unit).</summary>
    public static bool UnderSystemd(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(environment("JOURNAL_STREAM")) || !string.IsNullOrEmpty(environment("INVOCATION_ID"));
    }

    /// <summary>One record as a journal line: priority prefix, level, source, message; no time.</summary>
    public static string Line(LogRecord record) =>
        $"<{Priority(record.Level)}>{record.Level.ToString().ToUpperInvariant(),-7} {record.Source}: {record.Message}" +
        (record.Exception is null ? "" : $" ({record.Exception.GetType().Name}: {record.Exception.Message})");

    /// <summary>syslog priorities: err 3, warning 4, info 6, debug 7 (trace too).</summary>
    public static int Priority(LogLevel level) => level switch
    {
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Info => 6,
        _ => 7,
    };
}
