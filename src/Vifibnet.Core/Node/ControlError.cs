namespace Vifibnet.Node;

/// <summary>The control socket's answer when a request failed.</summary>
public sealed record ControlError(string Error);
