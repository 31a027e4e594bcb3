using Xunit.Sdk;

namespace Vifibnet.Tests.Support;

/// <summary>
/// Marks a test (or every test of a class) that needs root: network namespaces, tap devices, real
/// openvpn, babeld or miniupnpd. Gives it the trait Requires=root, so `--filter Requires!=root` runs
/// the rest on a machine without root; run there, such a test still fails loudly (<see cref="Requires.Root"/>).
/// </summary>
[TraitDiscoverer("Vifibnet.Tests.Support.RequiresRootDiscoverer", "Vifibnet.Tests")]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequiresRootAttribute : Attribute, ITraitAttribute;
