namespace Vifibnet.Lab;

/// <summary>The times a demo run measured, each from the moment of its cause (start, cut, stop, restart) to all pairs answering.</summary>
public sealed record DemoResult(TimeSpan Converged, TimeSpan Rerouted, TimeSpan NodeLeft, TimeSpan Rejoined, string Cut, string Stopped);
