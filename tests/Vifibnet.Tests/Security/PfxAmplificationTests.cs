using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vifibnet.Protocol;
using Vifibnet.Tests.Support;
using Xunit.Abstractions;
using static Vifibnet.Tests.Registry.RegistryHttpTests;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 3 of issue 11: an anonymous client sends a PKCS#12 blob with a huge key-derivation
/// iteration count as its X-Vifibnet-Certificate; the registry (real HTTP) must refuse it as not a
/// certificate without running the derivation.
/// </summary>
public sealed class PfxAmplificationTests(ITestOutputHelper output)
{
    static readonly HttpClient Http = new();

    [Fact]
    public async Task APfxWithAHugeIterationCountIsRefusedAsUntrustedWithoutDerivingAnyKey()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var keys = new NodeKeys();
        using var cert = await registry.RegisterAsync(keys);
        using var withKey = cert.CopyWithPrivateKey(keys.Key);
        var pfx = withKey.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 600_000), "");
        output.WriteLine($"PFX: {pfx.Length} bytes, 600,000 iterations");

        // What the registry paid per request before: loading the blob as PKCS#12.
        var local = Stopwatch.StartNew();
        using (X509CertificateLoader.LoadPkcs12(pfx, "", loaderLimits: Pkcs12LoaderLimits.DangerousNoLimits)) { }
        local.Stop();

        var before = registry.Snapshot();
        const int requests = 8;
        var elapsed = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            var uri = new Uri(registry.Uri(), "/v1/peers?n=5");
            var request = Signed(HttpMethod.Get, uri, cert, keys.Key, []);
            request.Headers.Remove(NodeRequestSignature.CertificateHeader);
            request.Headers.Add(NodeRequestSignature.CertificateHeader, Convert.ToBase64String(pfx));
            using var response = await Http.SendAsync(request);
            var error = await RegistryAnswer.ErrorAsync(response);
            Assert.Equal((HttpStatusCode.Forbidden, "certificate_untrusted"), (response.StatusCode, error.Error));
            Assert.Contains("PKCS#12", error.Message);
        }
        elapsed.Stop();
        var perRequest = elapsed.Elapsed / requests;
        output.WriteLine($"one PKCS#12 load: {local.Elapsed.TotalMilliseconds:0} ms; one refused request: {perRequest.TotalMilliseconds:0.0} ms");
        Assert.True(perRequest < local.Elapsed / 10, $"a refused request took {perRequest.TotalMilliseconds:0} ms, a PKCS#12 load {local.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(before, registry.Snapshot());
    }
}
