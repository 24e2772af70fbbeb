namespace Spoke.OAuth;

/// <summary>
/// One public app's side of HubSpot OAuth: builds authorization URLs (state, PKCE S256, optional scopes, a specific
/// portal), exchanges codes, refreshes, reads token info and revokes. It keeps nothing: the token store and the token
/// provider keep installations. No token, secret or code appears in its logs or exception messages.
/// </summary>
public sealed class HubSpotOAuth
{
    /// <summary>A client for the app in <paramref name="options"/>; <paramref name="httpClient"/> null makes its own.</summary>
    public HubSpotOAuth(HubSpotOAuthOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _ = httpClient;
    }

    /// <summary>The settings this client was made with.</summary>
    public HubSpotOAuthOptions Options { get; }

    /// <summary>A new authorization request: the URL to send the user to, with its state and PKCE verifier.</summary>
    public HubSpotAuthorizationRequest CreateAuthorizationRequest(HubSpotAuthorizeOptions? options = null) => throw new NotSupportedException("stub");

    /// <summary>Exchanges an authorization code (<c>grant_type=authorization_code</c>).</summary>
    public Task<HubSpotOAuthTokens> ExchangeCodeAsync(string code, string? codeVerifier = null, Uri? redirectUri = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("stub");

    /// <summary>
    /// Finishes an install: exchanges <paramref name="code"/> with the request's verifier and redirect URI, then reads
    /// the access token's info for the portal and scopes. The result is not stored: save it in your token store.
    /// </summary>
    public Task<HubSpotInstallation> CompleteAuthorizationAsync(string code, HubSpotAuthorizationRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("stub");

    /// <summary>Gets a new access token (<c>grant_type=refresh_token</c>).</summary>
    public Task<HubSpotOAuthTokens> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default) => throw new NotSupportedException("stub");

    /// <summary>Reads an access token's info.</summary>
    public Task<HubSpotAccessTokenInfo> GetAccessTokenInfoAsync(string accessToken, CancellationToken cancellationToken = default) => throw new NotSupportedException("stub");

    /// <summary>Reads a refresh token's info.</summary>
    public Task<HubSpotRefreshTokenInfo> GetRefreshTokenInfoAsync(string refreshToken, CancellationToken cancellationToken = default) => throw new NotSupportedException("stub");

    /// <summary>Deletes a refresh token (HubSpot keeps access tokens already issued until they expire).</summary>
    public Task RevokeRefreshTokenAsync(string refreshToken, CancellationToken cancellationToken = default) => throw new NotSupportedException("stub");
}
