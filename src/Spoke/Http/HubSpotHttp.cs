using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Spoke.Auth;
using Spoke.Errors;

namespace Spoke.Http;

/// <summary>
/// The one way every area client talks to HubSpot: token on each request, JSON through source-generated metadata,
/// and every non-success answer turned into the <see cref="HubSpotApiException"/> family.
/// </summary>
internal sealed class HubSpotHttp(HttpClient http, HubSpotClientOptions options, IAccessTokenProvider tokens)
{
    /// <summary>Set on the instance for app-level APIs: they send <c>?hapikey=</c> and no bearer token.</summary>
    private string? _developerApiKey;

    public HubSpotClientOptions Options => options;

    /// <summary>The same pipeline, authenticated with the developer API key instead of a token (timeline templates).</summary>
    public HubSpotHttp WithDeveloperApiKey(string developerApiKey) =>
        new(http, options, tokens) { _developerApiKey = developerApiKey };

    /// <summary>A call with a JSON body whose answer has no body worth reading (204).</summary>
    public Task SendAsync<TBody>(HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType, CancellationToken cancellationToken) =>
        SendCoreAsync<object>(method, path, JsonContent.Create(body, bodyType), null, cancellationToken);

    public async Task<TResponse> SendAsync<TResponse>(HttpMethod method, string path, JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken) =>
        (await SendCoreAsync(method, path, null, responseType, cancellationToken).ConfigureAwait(false))!;

    public async Task<TResponse> SendAsync<TBody, TResponse>(HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        (await SendCoreAsync(method, path, JsonContent.Create(body, bodyType), responseType, cancellationToken).ConfigureAwait(false))!;

    /// <summary>A call whose answer has no body worth reading (204).</summary>
    public Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken) =>
        SendCoreAsync<object>(method, path, null, null, cancellationToken);

    private async Task<TResponse?> SendCoreAsync<TResponse>(HttpMethod method, string path, HttpContent? content,
        JsonTypeInfo<TResponse>? responseType, CancellationToken cancellationToken)
    {
        // The key is added only here, so paths handed around (and logged) never carry it.
        var target = _developerApiKey is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}hapikey={Uri.EscapeDataString(_developerApiKey)}";
        using var request = new HttpRequestMessage(method, new Uri(options.BaseUri, target)) { Content = content };
        if (_developerApiKey is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false));
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw HubSpotApiException.FromResponse(response.StatusCode, body, RetryAfter(response));
        }

        if (responseType is null || response.StatusCode == HttpStatusCode.NoContent)
        {
            return default;
        }

        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
}
