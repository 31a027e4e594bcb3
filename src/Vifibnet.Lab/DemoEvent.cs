namespace Vifibnet.Lab;

/// <summary>What a demo run reports as it goes: a phase starting, a mesh snapshot, a phase done (with its time), or a note.</summary>
public sealed record DemoEvent(DemoEventKind Kind, string Phase, string Text, MeshSnapshot? Snapshot = null, TimeSpan? Elapsed = null);
