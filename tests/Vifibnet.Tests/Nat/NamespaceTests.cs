namespace Vifibnet.Tests.Nat;

/// <summary>The UPnP tests that build network namespaces and run real daemons: one collection, so they run one at a time.</summary>
static class NamespaceTests
{
    public const string Collection = "Network namespaces";
}
