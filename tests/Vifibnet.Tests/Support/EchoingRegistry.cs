using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Protocol;

namespace Vifibnet.Tests.Support;

/// <summary>
/// A stand-in registry that serves one CA but signs the node's CSR with another (a broken or hostile
/// registry; the real one cannot be made to). Real HTTP on loopback.
/// </summary>
public sealed class EchoingRegistry : IAsyncDisposable
{
    readonly WebApplication app;
    public int Port { get; }

    EchoingRegistry(WebApplication app, int port) { this.app = app; Port = port; }

    public static async Task<EchoingRegistry> StartAsync(CertificateAuthority served, CertificateAuthority signer, Action<string> sawCsr)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/v1/ca", () => Results.Json(new CaResponse(served.Certificate.ExportCertificatePem(), served.Network.ToString()), RegistryJson.Options));
        app.MapPost("/v1/certificates", async (HttpContext context) =>
        {
            var request = await context.Request.ReadFromJsonAsync<CertificateRequestMessage>(RegistryJson.Options);
            sawCsr(request!.Csr);
            using var cert = signer.Issue(CertificateRequest.LoadSigningRequestPem(request.Csr, HashAlgorithmName.SHA256),
                NodePrefix.ParseCommonName("0/16"), [7], TimeSpan.FromDays(1));
            return Results.Json(new CertificateResponse(cert.ExportCertificatePem(), "0000000000000000", "2001:db8:42::/64"), RegistryJson.Options);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EchoingRegistry(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
