using Vifibnet.Protocol;
using Vifibnet.Tests.Support;

namespace Vifibnet.Tests.Registry;

/// <summary>The wire spellings of the registry's error codes: published in docs/protocol.md, read back typed by the client.</summary>
public sealed class RegistryErrorCodeTests
{
    [Fact]
    public void EveryCodeReadsBackFromItsWireSpelling()
    {
        foreach (var code in Enum.GetValues<RegistryErrorCode>())
            Assert.Equal(code, RegistryErrorCodes.FromWire(code.ToWire()));
    }

    [Fact]
    public void EveryWireSpellingIsDocumentedInTheProtocol()
    {
        var protocol = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "protocol.md"));

        Assert.All(Enum.GetValues<RegistryErrorCode>(), code => Assert.Contains($"`{code.ToWire()}`", protocol));
    }

    [Fact]
    public void AnUnknownWireCodeIsNoCode()
    {
        Assert.Equal(("token_spent", (RegistryErrorCode?)null), (RegistryErrorCode.TokenSpent.ToWire(), RegistryErrorCodes.FromWire("token_reused")));
        Assert.Null(RegistryErrorCodes.FromWire(null));
    }
}
