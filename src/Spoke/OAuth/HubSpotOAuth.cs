using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Polly.Retry;
using Spoke.Errors;

namespace Spoke.OAuth;

/// <summary>
/// One public app's side of HubSpot OAuth: builds authorization URLs (state, PKCE S256, optional scopes, a specific
/// portal), exchanges codes, refreshes, reads token info and revokes. It keeps nothing: the token store and the token
/// provider keep installations. No token, secret or code appears in its logs or exception messages.
/// </summary>
public sealed class HubSpotOAuth
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _retry;

    /// <summary>A client for the app in <paramref name="options"/>; <paramref name="httpClient"/> null makes its own.</summary>
    /// <exception cref="ArgumentException">The client id or secret is missing.</exception>
    public HubSpotOAuth(HubSpotOAuthOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ClientId) || string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            throw new ArgumentException("HubSpotOAuthOptions needs the app's ClientId and ClientSecret (from the app's Auth settings in the HubSpot developer account).", nameof(options));
        }

        Options = options;
        _http = httpClient ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        // Token calls are rare and small: a few quick retries ride out a HubSpot blip without hiding an outage.
        _retry = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex, args.Context)),
            })
            .Build();
    }

    /// <summary>The settings this client was made with.</summary>
    public HubSpotOAuthOptions Options { get; }

    /// <summary>The PKCE S256 challenge of <paramref name="codeVerifier"/>: base64url(SHA-256(verifier)), unpadded.</summary>
    public static string CodeChallenge(string codeVerifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        return Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier)));
    }

    /// <summary>A new authorization request: the URL to send the user to, with its state and PKCE verifier.</summary>
    /// <exception cref="InvalidOperationException">No redirect URI is configured.</exception>
    public HubSpotAuthorizationRequest CreateAuthorizationRequest(HubSpotAuthorizeOptions? options = null)
    {
        options ??= new HubSpotAuthorizeOptions();
        var redirect = options.RedirectUri ?? Options.RedirectUri
            ?? throw new InvalidOperationException("Set HubSpotOAuthOptions.RedirectUri (or HubSpotAuthorizeOptions.RedirectUri) to a redirect URI registered with the app.");
        var state = options.State ?? Base64Url(RandomNumberGenerator.GetBytes(24));
        var verifier = options.UsePkce ? Base64Url(RandomNumberGenerator.GetBytes(48)) : null;
        var optional = Options.OptionalScopes.Concat(options.OptionalScopes).Except(Options.Scopes, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).ToList();
        var query = new StringBuilder()
            .Append("client_id=").Append(Uri.EscapeDataString(Options.ClientId))
            .Append("&redirect_uri=").Append(Uri.EscapeDataString(redirect.OriginalString));
        if (Options.Scopes.Count > 0)
        {
            query.Append("&scope=").Append(Uri.EscapeDataString(string.Join(' ', Options.Scopes)));
        }

        if (optional.Count > 0)
        {
            query.Append("&optional_scope=").Append(Uri.EscapeDataString(string.Join(' ', optional)));
        }

        query.Append("&state=").Append(Uri.EscapeDataString(state));
        if (verifier is not null)
        {
            query.Append("&code_challenge=").Append(CodeChallenge(verifier)).Append("&code_challenge_method=S256");
        }

        var path = options.PortalId is { } portal ? $"oauth/{portal.ToString(CultureInfo.InvariantCulture)}/authorize" : "oauth/authorize";
        var url = new UriBuilder(new Uri(Options.AuthorizeBaseUri, path)) { Query = query.ToString() }.Uri;
        return new HubSpotAuthorizationRequest(url, state, verifier, redirect);
    }

    /// <summary>Exchanges an authorization code (<c>grant_type=authorization_code</c>).</summary>
    /// <exception cref="HubSpotApiException">HubSpot refused the code (<c>Category</c> is HubSpot's code, e.g. <c>BAD_AUTH_CODE</c>, <c>BAD_REDIRECT_URI</c>).</exception>
    public Task<HubSpotOAuthTokens> ExchangeCodeAsync(string code, string? codeVerifier = null, Uri? redirectUri = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var redirect = redirectUri ?? Options.RedirectUri
            ?? throw new InvalidOperationException("The code exchange needs the redirect URI the authorization request used: set HubSpotOAuthOptions.RedirectUri.");
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("client_id", Options.ClientId),
            new("client_secret", Options.ClientSecret),
            new("redirect_uri", redirect.OriginalString),
            new("code", code),
        };
        if (codeVerifier is not null)
        {
            form.Add(new("code_verifier", codeVerifier));
        }

        // A code is single use: only a request that never reached HubSpot is sent again.
        return TokenAsync(form, retryAnswered: false, cancellationToken);
    }

    /// <summary>
    /// Finishes an install: exchanges <paramref name="code"/> with the request's verifier and redirect URI, then reads
    /// the access token's info for the portal and scopes. The result is not stored: save it in your token store.
    /// Check the callback's <c>state</c> first (<see cref="HubSpotAuthorizationRequest.IsState"/>).
    /// </summary>
    public async Task<HubSpotInstallation> CompleteAuthorizationAsync(string code, HubSpotAuthorizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tokens = await ExchangeCodeAsync(code, request.CodeVerifier, request.RedirectUri, cancellationToken).ConfigureAwait(false);
        var info = await GetAccessTokenInfoAsync(tokens.AccessToken, cancellationToken).ConfigureAwait(false);
        var now = Options.TimeProvider.GetUtcNow();
        return new HubSpotInstallation
        {
            ClientId = Options.ClientId,
            PortalId = info.PortalId,
            RefreshToken = tokens.RefreshToken,
            AccessToken = tokens.AccessToken,
            AccessTokenExpiresAt = tokens.ExpiresAt,
            Scopes = info.Scopes.Count > 0 ? info.Scopes : tokens.Scopes,
            HubDomain = info.HubDomain,
            User = info.User,
            UserId = info.UserId,
            InstalledAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Gets a new access token (<c>grant_type=refresh_token</c>).</summary>
    /// <exception cref="HubSpotApiException">HubSpot refused the refresh token (<c>Category</c> <c>BAD_REFRESH_TOKEN</c>: uninstalled or revoked).</exception>
    public Task<HubSpotOAuthTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        return TokenAsync(
        [
            new("grant_type", "refresh_token"),
            new("client_id", Options.ClientId),
            new("client_secret", Options.ClientSecret),
            new("refresh_token", refreshToken),
        ], retryAnswered: true, cancellationToken);
    }

    /// <summary>Reads an access token's info.</summary>
    public async Task<HubSpotAccessTokenInfo> GetAccessTokenInfoAsync(string accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        var dto = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Api($"oauth/v1/access-tokens/{Uri.EscapeDataString(accessToken)}")),
            OAuthJsonContext.Default.AccessTokenInfoDto, [accessToken], true, cancellationToken).ConfigureAwait(false);
        return new HubSpotAccessTokenInfo(dto!.HubId, dto.AppId, dto.UserId, dto.User, dto.HubDomain, dto.Scopes ?? [],
            Options.TimeProvider.GetUtcNow().AddSeconds(dto.ExpiresIn));
    }

    /// <summary>Reads a refresh token's info.</summary>
    public async Task<HubSpotRefreshTokenInfo> GetRefreshTokenInfoAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        var dto = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Api($"oauth/v1/refresh-tokens/{Uri.EscapeDataString(refreshToken)}")),
            OAuthJsonContext.Default.RefreshTokenInfoDto, [refreshToken], true, cancellationToken).ConfigureAwait(false);
        return new HubSpotRefreshTokenInfo(dto!.HubId, dto.ClientId ?? Options.ClientId, dto.UserId, dto.User, dto.HubDomain, dto.Scopes ?? []);
    }

    /// <summary>Deletes a refresh token (HubSpot keeps access tokens already issued until they expire).</summary>
    public async Task RevokeRefreshTokenAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        await SendAsync<object>(() => new HttpRequestMessage(HttpMethod.Delete, Api($"oauth/v1/refresh-tokens/{Uri.EscapeDataString(refreshToken)}")),
            null, [refreshToken], true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HubSpotOAuthTokens> TokenAsync(List<KeyValuePair<string, string>> form, bool retryAnswered, CancellationToken cancellationToken)
    {
        var secrets = form.Where(f => f.Key is "client_secret" or "code" or "refresh_token" or "code_verifier").Select(f => f.Value).ToList();
        var dto = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Api("oauth/v1/token")) { Content = new FormUrlEncodedContent(form) },
            OAuthJsonContext.Default.TokenResponseDto, secrets, retryAnswered, cancellationToken).ConfigureAwait(false);
        if (dto is null || string.IsNullOrEmpty(dto.AccessToken) || string.IsNullOrEmpty(dto.RefreshToken) || dto.ExpiresIn <= 0)
        {
            throw new HubSpotApiException(502, "HubSpot's token endpoint answered without access_token, refresh_token or expires_in.", "BAD_TOKEN_RESPONSE");
        }

        return new HubSpotOAuthTokens(dto.AccessToken, dto.RefreshToken, Options.TimeProvider.GetUtcNow().AddSeconds(dto.ExpiresIn), dto.HubId, dto.Scopes ?? []);
    }

    private Uri Api(string path) => new(Options.ApiBaseUri, path);

    private static readonly ResiliencePropertyKey<bool> RetryAnsweredKey = new("spoke.oauth.retryAnswered");

    private async Task<T?> SendAsync<T>(Func<HttpRequestMessage> request, JsonTypeInfo<T>? type, IReadOnlyList<string> secrets, bool retryAnswered,
        CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RetryAnsweredKey, retryAnswered);
        try
        {
            return await _retry.ExecuteAsync(async ctx =>
            {
                using var message = request();
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(message, ctx.CancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex)
                {
                    var neverSent = HubSpotTransportException.NeverSent(ex);
                    throw new HubSpotTransportException($"HubSpot's OAuth endpoint {message.Method} {Template(message.RequestUri)}: {(neverSent ? "could not connect" : "the connection failed")} ({ex.HttpRequestError}).",
                        !neverSent, HubSpotTransportException.TransportCategory, ex);
                }

                using (response)
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        var body = await response.Content.ReadAsStringAsync(ctx.CancellationToken).ConfigureAwait(false);
                        throw Error(response.StatusCode, body, secrets, message);
                    }

                    return type is null || response.StatusCode == HttpStatusCode.NoContent
                        ? default
                        : await response.Content.ReadFromJsonAsync(type, ctx.CancellationToken).ConfigureAwait(false);
                }
            }, context).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsTransient(Exception ex, ResilienceContext context) => ex switch
    {
        HubSpotTransportException transport => !transport.MayHaveReachedHubSpot || context.Properties.GetValue(RetryAnsweredKey, false),
        HubSpotApiException api => api.Status is 502 or 503 or 504 || (api.Status >= 500 && context.Properties.GetValue(RetryAnsweredKey, false)),
        _ => false,
    };

    /// <summary>HubSpot's OAuth error (its code in <c>status</c>), with any secret the request carried cut out of the text.</summary>
    private static HubSpotApiException Error(HttpStatusCode status, string body, IReadOnlyList<string> secrets, HttpRequestMessage request)
    {
        OAuthErrorDto? dto = null;
        try
        {
            dto = string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize(body, OAuthJsonContext.Default.OAuthErrorDto);
        }
        catch (JsonException)
        {
        }

        var category = dto?.Status is { } s && s != "error" ? s : dto?.Category ?? dto?.Error;
        var message = dto?.Message ?? dto?.ErrorDescription ?? $"HubSpot's OAuth endpoint answered {(int)status} {status}.";
        foreach (var secret in secrets.Where(x => x.Length > 0))
        {
            message = message.Replace(secret, "[redacted]", StringComparison.Ordinal);
        }

        return (int)status is 401 or 403
            ? new HubSpotAuthenticationException(status, $"{message} ({request.Method} {Template(request.RequestUri)})", category, dto?.CorrelationId, [])
            : new HubSpotApiException(status, $"{message} ({request.Method} {Template(request.RequestUri)})", category, null, dto?.CorrelationId);
    }

    /// <summary>The path without the token a path may carry (token info).</summary>
    private static string Template(Uri? uri)
    {
        var path = uri?.AbsolutePath ?? "";
        foreach (var prefix in new[] { "/oauth/v1/access-tokens/", "/oauth/v1/refresh-tokens/" })
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix + "{token}";
            }
        }

        return path;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
