namespace Vifibnet.Simulation;

/// <summary>How the simulated registry picks the peers of a peer list.</summary>
public enum PeerListPick
{
    /// <summary>Independent uniform random peers for every request: the textbook random graph.</summary>
    Uniform,

    /// <summary>
    /// What this project's registry does: every peer carries a random key, re-drawn when it declares, and a
    /// list is the next n peers in key order from a random start. Within one declare period every list is a
    /// window of the same random order, so lists that start close together overlap.
    /// </summary>
    Window,
}
