namespace Vifibnet.Node;

/// <summary>Why the node or a request to it failed: stable names the cmdlets turn into error ids (as <c>SetupErrorKind</c>).</summary>
public enum NodeErrorKind
{
    /// <summary>Another node already answers on this state directory's control socket.</summary>
    AlreadyRunning,

    /// <summary>An option names something that is not there (e.g. a --dh file).</summary>
    InvalidOption,

    /// <summary>The state directory has no peer DB: setup has not run there.</summary>
    NotSetUp,

    /// <summary>The node runs, or ran, without --registry: there is no registry to ask.</summary>
    NoRegistry,

    /// <summary>The node is starting or stopping and cannot answer yet.</summary>
    NotReady,

    /// <summary>The node answered that it could not do the request.</summary>
    RequestFailed,

    /// <summary>The node closed the control connection or answered nothing usable.</summary>
    NoAnswer,

    /// <summary>This program is older than the network configuration's minimum version.</summary>
    VersionTooOld,
}
