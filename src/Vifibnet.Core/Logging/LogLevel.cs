namespace Vifibnet.Logging;

/// <summary>The seed's "new log system" levels: trace for intensive debugging, then debug, info, warning, error.</summary>
public enum LogLevel
{
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warning = 3,
    Error = 4,
}

/// <summary>Maps the seed's -v/--verbose 0..5 to the lowest level shown.</summary>
public static class Verbosity
{
    /// <summary>0 warnings and errors, 1 info, 2 debug, 3..5 trace (4 and 5 only make openvpn and babeld chattier).</summary>
    public static LogLevel MinimumLevel(int verbose) => verbose switch
    {
        <= 0 => LogLevel.Warning,
        1 => LogLevel.Info,
        2 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };
}
