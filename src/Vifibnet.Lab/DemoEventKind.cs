namespace Vifibnet.Lab;

/// <summary>The kinds of <see cref="DemoEvent"/>.</summary>
public enum DemoEventKind
{
    PhaseStarted,
    Snapshot,
    PhaseDone,
    Note,
}
