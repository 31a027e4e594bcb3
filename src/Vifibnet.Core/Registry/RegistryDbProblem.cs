namespace Vifibnet.Registry;

/// <summary>Why a registry DB is refused.</summary>
public enum RegistryDbProblem
{
    /// <summary>Cannot be opened or written (path, permissions, locked).</summary>
    Unavailable,
    /// <summary>The file does not exist: a typo in --db must not start a new, empty network.</summary>
    Missing,
    /// <summary>A file that is not a registry DB (empty, another program's SQLite file).</summary>
    NotARegistryDb,
    /// <summary>SQLite's integrity check failed.</summary>
    Corrupt,
    /// <summary>The DB belongs to another network's CA.</summary>
    ForeignCa,
}
