namespace Vifibnet.Registry;

/// <summary>The registry DB cannot be opened, created, or is refused (<see cref="Problem"/> says which).</summary>
public sealed class RegistryDbUnavailableException(string message, Exception? inner = null, RegistryDbProblem problem = RegistryDbProblem.Unavailable)
    : Exception(message, inner)
{
    public RegistryDbProblem Problem { get; } = problem;
}
