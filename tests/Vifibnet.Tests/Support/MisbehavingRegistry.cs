using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vifibnet.Tests.Support;

/// <summary>
/// A stand-in registry that answers wrongly on purpose (a CA without a prefix in its serial, a
/// certificate for someone else's key): the real registry can never be made to do that. Real HTTP
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

    public static async Task<MisbehavingRegistry> StartAsync(Func<object> ca, Func<object>? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/v1/ca", () => Results.Json(ca(), Vifibnet.Protocol.RegistryJson.Options));
        app.MapPost("/v1/certificates", () => Results.Json(certificate?.Invoke(), Vifibnet.Protocol.RegistryJson.Options));
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
