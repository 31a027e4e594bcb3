namespace Vifibnet.Tests.Nat;

/// <summary>
/// The UPnP tests that build network namespaces and run real daemons join the suite's one
/// namespace collection (defined beside the mesh tests), so they run one at a time and alone.
/// </summary>
static class NamespaceTests
{
    public const string Collection = "namespaces";
}
