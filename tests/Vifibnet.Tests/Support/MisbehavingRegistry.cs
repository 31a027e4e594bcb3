using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vifibnet.Protocol;

namespace Vifibnet.Tests.Support;

/// <summary>
/// A stand-in registry that answers wrongly on purpose (a CA without a prefix in its serial, a
/// certificate for someone else's key or from another CA): the real registry can never be made to do that. Real HTTP
/// on loopback; each route's answer is given by the test.
/// </summary>
public sealed class MisbehavingRegistry : IAsyncDisposable
{
    readonly WebApplication app;

    public int Port { get; }

    MisbehavingRegistry(WebApplication app, int port)
    {
        this.app = app;
        Port = port;
    }

    /// <param name="ca">the answer to GET /v1/ca</param>
    /// <param name="certificate">the answer to POST /v1/certificates, given the request (e.g. its CSR signed by the wrong CA)</param>
    /// <param name="tls">serve HTTPS with this certificate (and its key), e.g. a member node's own</param>
    public static async Task<MisbehavingRegistry> StartAsync(Func<object> ca, Func<CertificateRequestMessage, object>? certificate = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => { if (tls is not null) listen.UseHttps(tls); }));
        var app = builder.Build();
        app.MapGet("/v1/ca", () => Results.Json(ca(), RegistryJson.Options));
        app.MapPost("/v1/certificates", async (HttpContext context) =>
        {
            var request = await context.Request.ReadFromJsonAsync<CertificateRequestMessage>(RegistryJson.Options);
            return Results.Json(certificate?.Invoke(request!), RegistryJson.Options);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MisbehavingRegistry(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
