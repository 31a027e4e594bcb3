using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Vifibnet.Protocol;

/// <summary>
/// <see cref="IRegistryClient"/> over the HTTP+JSON protocol of docs/protocol.md. Node requests are
/// signed with the node's certificate key, which must be given for them. Every failure is a
/// <see cref="RegistryCallException"/> naming the URL and, when the registry answered, its error code.
/// </summary>
public sealed class HttpRegistryClient : IRegistryClient, IDisposable
{
    readonly HttpClient http;
    readonly bool ownsHttp;
    X509Certificate2? certificate;
    readonly RSA? key;
    readonly TimeProvider clock;
    readonly RegistryTls? tls;

    public Uri BaseUri { get; }

    /// <summary>
    /// A client of the registry at <paramref name="baseUri"/>; node requests are signed with <paramref name="certificate"/>'s
    /// <paramref name="key"/>. For an https:// registry, <paramref name="tls"/> checks its server certificate against the
    /// network's CA (without it, https fails closed). <paramref name="http"/>, <paramref name="clock"/>: for tests.
    /// </summary>
    public HttpRegistryClient(Uri baseUri, X509Certificate2? certificate = null, RSA? key = null, HttpClient? http = null, TimeProvider? clock = null, RegistryTls? tls = null)
    {
        this.tls = tls;
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        this.certificate = certificate;
        this.key = key;
        this.clock = clock ?? TimeProvider.System;
        ownsHttp = http is null;
        this.http = http ?? tls?.CreateHttpClient(TimeSpan.FromSeconds(30)) ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>http://ADDRESS:PORT/ (https:// with <paramref name="https"/>) for an IPv4 address, an IPv6 address (bracketed) or a host name.</summary>
    public static Uri UriFor(string server, int port, bool https = false)
    {
        if (port is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 1..65535");
        var host = server.Trim().Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6)
            host = $"[{ip}]";
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{(https ? "https" : "http")}://{host}:{port}/"));
    }

    public async Task<string> GetCaAsync(CancellationToken cancel = default) =>
        (await SendAsync<CaResponse>(HttpMethod.Get, "v1/ca", null, signed: false, cancel).ConfigureAwait(false)).Certificate;

    public Task RequestTokenAsync(string email, CancellationToken cancel = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "v1/tokens", new TokenRequest(email), signed: false, cancel);

    public async Task<string> RequestCertificateAsync(string token, string csrPem, CancellationToken cancel = default) =>
        (await SendAsync<CertificateResponse>(HttpMethod.Post, "v1/certificates", new CertificateRequestMessage(token, csrPem), signed: false, cancel).ConfigureAwait(false)).Certificate;

    public async Task<IPAddress?> GetPrivateAddressAsync(CancellationToken cancel = default)
    {
        var answer = await SendAsync<PrivateAddressResponse>(HttpMethod.Get, "v1/private-address", null, signed: true, cancel).ConfigureAwait(false);
        return answer.Address is null ? null : IPAddress.Parse(answer.Address);
    }

    public async Task<PeerEntry?> GetBootstrapPeerAsync(CancellationToken cancel = default)
    {
        BootstrapResponse answer;
        try
        {
            answer = await SendAsync<BootstrapResponse>(HttpMethod.Get, "v1/bootstrap", null, signed: true, cancel).ConfigureAwait(false);
        }
        catch (RegistryCallException e) when (e.Code == RegistryErrorCode.NoPeers)
        {
            return null;
        }
        return OpenSealed<PeerEntry>(answer.Sealed, "v1/bootstrap", "the bootstrap peer");
    }

    public Task DeclareAsync(string address, CancellationToken cancel = default) =>
        SendAsync<DeclareResponse>(HttpMethod.Post, "v1/peers", new DeclareRequest(address), signed: true, cancel);

    public async Task<IReadOnlyList<PeerEntry>> GetPeerListAsync(int n, CancellationToken cancel = default) =>
        (await SendAsync<PeerListResponse>(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"v1/peers?n={n}"), null, signed: true, cancel).ConfigureAwait(false)).Peers;

    public async Task<string> RenewCertificateAsync(string csrPem, CancellationToken cancel = default) =>
        (await SendAsync<CertificateResponse>(HttpMethod.Post, "v1/renew", new RenewRequest(csrPem), signed: true, cancel).ConfigureAwait(false)).Certificate;

    public Task<RevocationsResponse> GetRevocationsAsync(CancellationToken cancel = default) =>
        SendAsync<RevocationsResponse>(HttpMethod.Get, "v1/revocations", null, signed: false, cancel);

    public async Task<NetworkConfigMessage> GetNetworkConfigAsync(CancellationToken cancel = default)
    {
        var answer = await SendAsync<NetworkConfigResponse>(HttpMethod.Get, "v1/network-config", null, signed: true, cancel).ConfigureAwait(false);
        return OpenSealed<NetworkConfigMessage>(answer.Sealed, "v1/network-config", "the network configuration");
    }

    /// <summary>A signed request's answer sealed to our key (it went out signed, so the key is there), read as <typeparamref name="T"/>.</summary>
    T OpenSealed<T>(SealedBox? box, string path, string what)
    {
        try
        {
            if (box is null) throw new JsonException("no sealed value in the answer");
            return JsonSerializer.Deserialize(box.Open(key!), SourceGeneratedJson.Info<T>(RegistryJson.Options))
                   ?? throw new JsonException("JSON null");
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            throw new RegistryCallException($"{what} from {BaseUri}{path} could not be opened with our key: {e.Message}", inner: e);
        }
    }

    /// <summary>Signs the next requests with this certificate (the renewed one; same key).</summary>
    public void UseCertificate(X509Certificate2 renewed) => certificate = renewed;

    async Task<T> SendAsync<T>(HttpMethod method, string relative, object? body, bool signed, CancellationToken cancel)
    {
        var uri = new Uri(BaseUri, relative);
        var bytes = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, RegistryJson.Options.GetTypeInfo(body.GetType()));
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        if (signed)
        {
            if (certificate is null || key is null)
                throw new InvalidOperationException($"{method} {uri} is a node request: the client needs the node's certificate and key");
            var (cert, ts, nonce, sig) = NodeRequestSignature.Sign(certificate, key, method.Method, uri.PathAndQuery, bytes, clock.GetUtcNow());
            request.Headers.Add(NodeRequestSignature.CertificateHeader, cert);
            request.Headers.Add(NodeRequestSignature.TimestampHeader, ts);
            request.Headers.Add(NodeRequestSignature.NonceHeader, nonce);
            request.Headers.Add(NodeRequestSignature.SignatureHeader, sig);
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancel).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (tls?.LastRefusal is { } refusal)
        {
            throw new RegistryCallException($"registry {uri} refused: {refusal}; nothing was sent to it", inner: e) { TlsRefused = true };
        }
        catch (HttpRequestException e) when (uri.Scheme == Uri.UriSchemeHttps && e.InnerException is IOException or System.Security.Authentication.AuthenticationException)
        {
            throw new RegistryCallException($"registry {uri} did not complete a TLS handshake ({e.Message}): is it served with --tls (Start-VifibRegistry -Tls)? Plain HTTP is not used when https was asked for", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryCallException($"registry {uri} is unreachable: {e.Message}", inner: e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new RegistryCallException($"registry {uri} did not answer within {http.Timeout.TotalSeconds:0} s", inner: e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = TryParse<ErrorResponse>(text);
                throw new RegistryCallException(
                    error is null
                        ? $"registry {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}"
                        : $"registry {uri} refused the request ({error.Error}): {error.Message}",
                    RegistryErrorCodes.FromWire(error?.Error), (int)response.StatusCode);
            }
            return TryParse<T>(text)
                   ?? throw new RegistryCallException($"registry {uri} answered {(int)response.StatusCode} with a body that is not a {typeof(T).Name}", status: (int)response.StatusCode);
        }
    }

    static T? TryParse<T>(string text)
    {
        try { return JsonSerializer.Deserialize(text, SourceGeneratedJson.Info<T>(RegistryJson.Options)); }
        catch (JsonException) { return default; }
    }

    public void Dispose()
    {
        if (ownsHttp) http.Dispose();
    }
}
