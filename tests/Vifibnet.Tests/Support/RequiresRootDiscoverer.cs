using Xunit.Abstractions;
using Xunit.Sdk;

namespace Vifibnet.Tests.Support;

/// <summary>Turns <see cref="RequiresRootAttribute"/> into the trait Requires=root.</summary>
public sealed class RequiresRootDiscoverer : ITraitDiscoverer
{
    public const string Name = "Requires", Value = "root";

    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute) => [new(Name, Value)];
}
