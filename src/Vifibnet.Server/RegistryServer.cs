using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vifibnet.Logging;
using Vifibnet.Protocol;
using Vifibnet.Registry;

namespace Vifibnet.Server;

/// <summary>
/// The registry served over HTTP by Kestrel: a thin adapter from the routes of docs/protocol.md to
/// <see cref="RegistryService"/>. Listens dual-stack (IPv6 any, dual mode) so IPv4 and IPv6 clients
/// both reach it. Each request is logged at debug; every refusal is an HTTP status with a JSON error.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    /// <summary>The largest request body accepted (a CSR is ~1 KiB; 64 KiB leaves room for any subject).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    readonly RegistryService service;
    readonly Logger log;
    readonly WebApplication app;
    int state; // 0 new, 1 started, 2 stopped

    readonly RegistryTlsIdentity? tls;

    public int Port { get; private set; }

    /// <param name="tls">serve HTTPS only, with this certificate (from the network's CA) and the CA as its chain; null: plain HTTP</param>
    public RegistryServer(RegistryService service, int port, Logger log, RegistryTlsIdentity? tls = null)
    {
        this.service = service;
        this.tls = tls;
        this.log = log.For("registry");
        // No appsettings.json is read, so none is watched: the default watches the working directory and every
        // directory under it for changes (inotify), which cost the registry CPU whenever files change there (/tmp, /).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
            // IPv6Any is bound dual-mode by Kestrel: 127.0.0.1 and ::1 both answer on one port.
            kestrel.Listen(IPAddress.IPv6Any, port, listen =>
            {
                if (tls is not null)
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = tls.Certificate,
                        ServerCertificateChain = [tls.Ca],
                        SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                    });
            });
        });
        app = builder.Build();
        app.Use(LogAndGuardAsync);
        new RegistryRoutes(service).Map(app);
        app.MapFallback(context => throw new RequestRefusedException(RegistryErrorCode.NotFound,
            $"no such request: {context.Request.Method} {context.Request.Path} (see docs/protocol.md)"));
    }

    public async Task StartAsync(CancellationToken cancel = default)
    {
        if (Interlocked.CompareExchange(ref state, 1, 0) != 0)
            throw new InvalidOperationException("the registry server was already started");
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException e)
        {
            throw new RegistryListenException($"cannot listen for the registry: {e.Message}", e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        log.Info($"registry for {service.Network} listening on port {Port} (IPv4 and IPv6){(tls is null ? "" : $", TLS only, certificate {tls.Certificate.Subject} from the network's CA")}");
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref state, 2) != 1) return;
        await app.StopAsync(CancellationToken.None);
        log.Info("registry stopped");
    }

    /// <summary>Serves until the token is cancelled (SIGINT/SIGTERM in the CLI), then stops cleanly.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        await StartAsync(cancel);
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException) { }
        finally
        {
            await StopAsync();
        }
    }

    async Task LogAndGuardAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var error = e switch
            {
                RequestRefusedException r => r,
                BadHttpRequestException { StatusCode: 413 } => new RequestRefusedException(RegistryErrorCode.PayloadTooLarge, $"request body is larger than {MaxBodyBytes} bytes"),
                BadHttpRequestException b => new RequestRefusedException(RegistryErrorCode.BadRequest, b.Message),
                _ => new RequestRefusedException(RegistryErrorCode.Internal, "the registry failed on this request; its log says why"),
            };
            if (error.Code == RegistryErrorCode.Internal) log.Error($"{context.Request.Method} {context.Request.Path} failed", e);
            context.Response.StatusCode = ErrorStatus.For(error.Code);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new ErrorResponse(error.WireCode, error.Message), SourceGeneratedJson.Info<ErrorResponse>(RegistryJson.Options)));
        }
        if (log.IsEnabled(Logging.LogLevel.Debug))
            log.Debug(string.Create(CultureInfo.InvariantCulture,
                $"{context.Connection.RemoteIpAddress} {context.Request.Method} {context.Request.Path}{context.Request.QueryString} -> {context.Response.StatusCode} ({Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms)"));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
    }
}
