using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vifibnet.Protocol;
using Vifibnet.Tests.Registry;
using Vifibnet.Tests.Support;
using static Vifibnet.Tests.Registry.RegistryHttpTests;

namespace Vifibnet.Tests.Security;

/// <summary>
/// Finding 11 of issue 11, the smaller holes: oversized RSA keys and abusive CSR subjects sent to the
/// real registry over HTTP (invalid_csr, nothing stored, no token spent), and `vifibnet node` (the real
/// program) given @/dev/zero or @FIFO (refused at once, memory and time bounded).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SmallerFindingsTests(RegisteredNodeFixture fixture) : IClassFixture<RegisteredNodeFixture>
{
    static readonly HttpClient Http = new();

    async Task AssertCsrRefused(string csr, string message)
    {
        var token = fixture.Registry.AdminToken();
        var before = fixture.Registry.Snapshot();
        using var response = await Http.PostAsync(new Uri(fixture.Registry.Uri(), "/v1/certificates"), Json(new CertificateRequestMessage(token, csr)));
        var error = await RegistryAnswer.ErrorAsync(response);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_csr"), (response.StatusCode, error.Error));
        Assert.Contains(message, error.Message);
        Assert.Equal(before, fixture.Registry.Snapshot());
    }

    [Fact]
    public async Task AnRsaKeyOver4096BitsIsRefused()
    {
        using var big = RSA.Create(4608);
        await AssertCsrRefused(new CertificateRequest("CN=node", big, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem(),
            "RSA key of 2048 to 4096 bits (it has 4608)");
    }

    public static TheoryData<string, string> Subjects => new()
    {
        { "O=Evil\0Corp", "control or format character U+0000" },
        { "O=\u202Egnp.exe", "control or format character U+202E" },
        { string.Join(',', Enumerable.Range(0, 300).Select(i => $"OU=unit{i}")), "300 attributes: at most 8" },
        { "O=" + new string('x', 65), "65 characters long: at most 64" },
        { "2.5.4.45=#0403414243", "attribute 2.5.4.45 is not allowed" },
        { "OID.2.5.4.97=VATFR-123", "attribute 2.5.4.97 is not allowed" },
    };

    [Theory]
    [MemberData(nameof(Subjects))]
    public async Task ASubjectOutsideTheAllowListIsRefused(string subject, string message)
    {
        var name = subject.Contains('\0') || subject.Contains('\u202E')
            ? Build(subject) : new X500DistinguishedName(subject);
        await AssertCsrRefused(new CertificateRequest(name, fixture.Keys.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem(), message);
    }

    static X500DistinguishedName Build(string subject)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName(subject["O=".Length..]);
        return builder.Build();
    }

    [Fact]
    public async Task AnAllowedSubjectIsSignedWithTheNodePrefixAsCn()
    {
        using var client = fixture.Registry.Client();
        var pem = await client.RequestCertificateAsync(fixture.Registry.AdminToken(), fixture.Keys.Csr("CN=whatever,O=Example Café,OU=Ops,C=FR"));
        using var cert = X509Certificate2.CreateFromPem(pem);
        Assert.Matches("^C=FR, OU=Ops, O=Example Café, CN=[0-9]+/16$", cert.Subject);
    }

    static (int Code, string Output, TimeSpan Took) Node(string file)
    {
        var info = new ProcessStartInfo(CliProgram.File) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[.. CliProgram.Leading, "node", "@" + file]) info.ArgumentList.Add(a);
        var took = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var output = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(20_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"vifibnet node @{file} still runs after 20 s");
        }
        return (p.ExitCode, output.Result, took.Elapsed);
    }

    [Fact]
    public void OptionFilesThatAreNotBoundedRegularFilesAreRefusedAtOnce()
    {
        using var dir = new TempDir();
        var fifo = dir.File("options.fifo");
        Assert.Equal(0, CliRun.Tool("mkfifo", fifo).Code);
        var big = dir.File("big.conf");
        File.WriteAllText(big, string.Concat(Enumerable.Repeat("# padding padding padding padding padding padding padding\n", 2000)));
        foreach (var (file, message) in new[]
        {
            ("/dev/zero", "is not a regular file (a character device)"),
            (fifo, "is not a regular file (a FIFO)"),
            (dir.Path, "is not a regular file (a directory)"),
            (big, "is larger than 64 KB"),
        })
        {
            var (code, output, took) = Node(file);
            Assert.True(code == 2, $"@{file}: exit {code}: {output}");
            Assert.Contains(message, output);
            Assert.True(took < TimeSpan.FromSeconds(15), $"@{file} took {took.TotalSeconds:0.0} s");
        }
    }
}
