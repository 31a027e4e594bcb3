namespace Vifibnet.Tests.Support;

/// <summary>
/// Tests that build network namespaces and run real daemons (mesh, node, UPnP): one at a time and
/// alone, so no two fight over namespace names, ports or the CPU that babel's timing needs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NamespaceCollection
{
    public const string Name = "namespaces";
}
