using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vifibnet.Protocol;
using Vifibnet.Registry;

namespace Vifibnet.Server;

/// <summary>The /v1 routes: read the body (bounded), authenticate node requests, call the service, write JSON.</summary>
sealed class RegistryRoutes(RegistryService service)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/ca", context => Reply(context, service.GetCa()));
        routes.MapPost("/v1/tokens", async context =>
        {
            var body = await ReadBodyAsync(context);
            await Reply(context, await service.RequestTokenAsync(Parse<TokenRequest>(body), context.Connection.RemoteIpAddress, context.RequestAborted), 202);
        });
        routes.MapPost("/v1/certificates", async context =>
        {
            var body = await ReadBodyAsync(context);
            await Reply(context, service.IssueCertificate(Parse<CertificateRequestMessage>(body)));
        });
        routes.MapGet("/v1/private-address", async context =>
            await Reply(context, service.GetPrivateAddress(await AuthenticateAsync(context))));
        routes.MapGet("/v1/bootstrap", async context =>
            await Reply(context, service.GetBootstrapPeer(await AuthenticateAsync(context))));
        routes.MapPost("/v1/peers", async context =>
        {
            var body = await ReadBodyAsync(context);
            var node = Authenticate(context, body);
            await Reply(context, service.Declare(node, Parse<DeclareRequest>(body)));
        });
        routes.MapGet("/v1/peers", async context =>
        {
            var node = await AuthenticateAsync(context);
            var text = context.Request.Query["n"].ToString();
            if (!int.TryParse(text.Length == 0 ? "20" : text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw new RequestRefusedException(RegistryErrorCode.BadRequest, $"n='{text}' is not a number of peers");
            await Reply(context, service.GetPeerList(node, n));
        });
        MapLifecycle(routes);
    }

    /// <summary>Renewal and revocation (docs/lifecycle.md).</summary>
    void MapLifecycle(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/renew", async context =>
        {
            var body = await ReadBodyAsync(context);
            var headers = context.Request.Headers;
            var node = service.AuthenticateForRenewal(context.Request.Method, context.Request.Path + context.Request.QueryString,
                headers[NodeRequestSignature.CertificateHeader].FirstOrDefault(),
                headers[NodeRequestSignature.TimestampHeader].FirstOrDefault(),
                headers[NodeRequestSignature.NonceHeader].FirstOrDefault(),
                headers[NodeRequestSignature.SignatureHeader].FirstOrDefault(), body);
            await Reply(context, service.RenewCertificate(node, Parse<RenewRequest>(body)));
        });
        routes.MapGet("/v1/crl", context =>
        {
            context.Response.ContentType = "application/x-pem-file";
            return context.Response.WriteAsync(service.GetCrlPem());
        });
        routes.MapGet("/v1/revocations", context => Reply(context, service.GetRevocations()));
        routes.MapGet("/v1/network-config", async context =>
            await Reply(context, service.GetNetworkConfig(await AuthenticateAsync(context))));
    }

    async Task<AuthenticatedNode> AuthenticateAsync(HttpContext context) => Authenticate(context, await ReadBodyAsync(context));

    AuthenticatedNode Authenticate(HttpContext context, byte[] body)
    {
        var headers = context.Request.Headers;
        return service.Authenticate(context.Request.Method, context.Request.Path + context.Request.QueryString,
            headers[NodeRequestSignature.CertificateHeader].FirstOrDefault(),
            headers[NodeRequestSignature.TimestampHeader].FirstOrDefault(),
            headers[NodeRequestSignature.NonceHeader].FirstOrDefault(),
            headers[NodeRequestSignature.SignatureHeader].FirstOrDefault(), body);
    }

    static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > RegistryServer.MaxBodyBytes)
            throw new RequestRefusedException(RegistryErrorCode.PayloadTooLarge, $"request body of {context.Request.ContentLength} bytes is larger than {RegistryServer.MaxBodyBytes}");
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    static T Parse<T>(byte[] body) where T : class
    {
        if (body.Length == 0)
            throw new RequestRefusedException(RegistryErrorCode.BadRequest, $"the request needs a JSON body ({typeof(T).Name}, see docs/protocol.md)");
        try
        {
            return JsonSerializer.Deserialize(body, SourceGeneratedJson.Info<T>(RegistryJson.Options))
                   ?? throw new RequestRefusedException(RegistryErrorCode.BadRequest, "the JSON body is null");
        }
        catch (JsonException e)
        {
            throw new RequestRefusedException(RegistryErrorCode.BadRequest, $"the body is not a valid {typeof(T).Name} JSON object: {e.Message}", e);
        }
    }

    static Task Reply<T>(HttpContext context, T value, int status = 200)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(value, SourceGeneratedJson.Info<T>(RegistryJson.Options));
    }
}
