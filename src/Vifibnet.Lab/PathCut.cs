namespace Vifibnet.Lab;

/// <summary>A path in use that was cut: <see cref="From"/> routed <see cref="To"/> through its tunnel (on <see cref="Device"/>) to <see cref="Via"/>, whose underlay path was then cut.</summary>
public sealed record PathCut(MeshNode From, MeshNode To, MeshNode Via, string Device)
{
    public override string ToString() => Via == To
        ? $"n{From.Number}->n{To.Number} went straight through the tunnel {Device}; cut n{From.Number}<->n{Via.Number}"
        : $"n{From.Number}->n{To.Number} went via n{Via.Number} ({Device}); cut n{From.Number}<->n{Via.Number}";
}
