namespace Vifibnet.Simulation;

/// <summary>The simulation could not go on, e.g. a policy asked for a tunnel that cannot exist.</summary>
public sealed class SimulationException(string message, Exception? inner = null) : Exception(message, inner);
