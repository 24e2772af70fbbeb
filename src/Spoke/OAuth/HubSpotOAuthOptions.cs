namespace Spoke.OAuth;

/// <summary>One public app's OAuth settings (from its HubSpot developer account page).</summary>
public sealed class HubSpotOAuthOptions
{
    /// <summary>The app's client id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The app's client secret. Never logged or printed.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>The redirect URI registered with the app; HubSpot requires an exact match.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Scopes the app requires (the install fails without them).</summary>
    public IList<string> Scopes { get; } = new List<string>();

    /// <summary>Scopes the app asks for when the portal has them (HubSpot drops the ones it lacks).</summary>
    public IList<string> OptionalScopes { get; } = new List<string>();

    /// <summary>Where users consent: <c>https://app.hubspot.com/</c> (an emulator's base URI in tests).</summary>
    public Uri AuthorizeBaseUri { get; set; } = new("https://app.hubspot.com/");

    /// <summary>Where the token endpoints are: <c>https://api.hubapi.com/</c> (an emulator's base URI in tests).</summary>
    public Uri ApiBaseUri { get; set; } = new("https://api.hubapi.com/");

    /// <summary>How long before expiry the token provider refreshes an access token (default 5 minutes).</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock behind expiry decisions (fake it in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Logging (never receives a token, secret or code).</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }
}

/// <summary>What one authorization request asks for, beyond <see cref="HubSpotOAuthOptions"/>.</summary>
public sealed class HubSpotAuthorizeOptions
{
    /// <summary>The <c>state</c> to send; null generates a random one (recommended).</summary>
    public string? State { get; set; }

    /// <summary>Send a PKCE S256 challenge (default true); the verifier comes back in <see cref="HubSpotAuthorizationRequest.CodeVerifier"/>.</summary>
    public bool UsePkce { get; set; } = true;

    /// <summary>Install into this portal: <c>/oauth/{portalId}/authorize</c>. Null lets the user choose.</summary>
    public long? PortalId { get; set; }

    /// <summary>Extra optional scopes for this request, added to <see cref="HubSpotOAuthOptions.OptionalScopes"/>.</summary>
    public IList<string> OptionalScopes { get; } = new List<string>();

    /// <summary>A redirect URI for this request instead of <see cref="HubSpotOAuthOptions.RedirectUri"/> (it must be registered too).</summary>
    public Uri? RedirectUri { get; set; }
}

/// <summary>
/// An authorization request to send the user to, and what the callback needs to finish it: keep <see cref="State"/>
/// and <see cref="CodeVerifier"/> (a cookie, a session) until the callback. <see cref="ToString"/> hides the verifier.
/// </summary>
/// <param name="Url">The consent page URL to send the user to.</param>
/// <param name="State">The state the callback must carry back.</param>
/// <param name="CodeVerifier">The PKCE verifier for the code exchange; null without PKCE.</param>
/// <param name="RedirectUri">The redirect URI the request used (the exchange must send the same).</param>
public sealed record HubSpotAuthorizationRequest(Uri Url, string State, string? CodeVerifier, Uri RedirectUri)
{
    /// <summary>Whether the callback's <paramref name="state"/> is this request's (compared in constant time); check it before the exchange.</summary>
    public bool IsState(string? state) =>
        state is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(state), System.Text.Encoding.UTF8.GetBytes(State));

    /// <summary>Never prints the verifier.</summary>
    public override string ToString() => $"HubSpotAuthorizationRequest({Url.GetLeftPart(UriPartial.Path)})";
}

/// <summary>A token endpoint answer. <see cref="ToString"/> never prints a token.</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="RefreshToken">The refresh token (the same one on refresh unless the server rotates it).</param>
/// <param name="ExpiresAt">When the access token expires: the time of the answer plus <c>expires_in</c>.</param>
/// <param name="PortalId">HubSpot's <c>hub_id</c> when the answer has it.</param>
/// <param name="Scopes">HubSpot's <c>scopes</c> when the answer has them; empty otherwise.</param>
public sealed record HubSpotOAuthTokens(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, long? PortalId, IReadOnlyList<string> Scopes)
{
    /// <summary>Never prints a token.</summary>
    public override string ToString() => $"HubSpotOAuthTokens(expires {ExpiresAt:O}, hub {PortalId})";
}

/// <summary>What HubSpot says about an access token (<c>GET /oauth/v1/access-tokens/{token}</c>).</summary>
/// <param name="PortalId">The portal (hub id).</param>
/// <param name="AppId">The app id.</param>
/// <param name="UserId">The installing user's id.</param>
/// <param name="User">The installing user's email, when sent.</param>
/// <param name="HubDomain">The portal's domain, when sent.</param>
/// <param name="Scopes">The scopes the token holds.</param>
/// <param name="ExpiresAt">When the token expires (now plus the remaining <c>expires_in</c>).</param>
public sealed record HubSpotAccessTokenInfo(long PortalId, long AppId, long? UserId, string? User, string? HubDomain,
    IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt);

/// <summary>What HubSpot says about a refresh token (<c>GET /oauth/v1/refresh-tokens/{token}</c>).</summary>
/// <param name="PortalId">The portal (hub id).</param>
/// <param name="ClientId">The app's client id.</param>
/// <param name="UserId">The installing user's id.</param>
/// <param name="User">The installing user's email, when sent.</param>
/// <param name="HubDomain">The portal's domain, when sent.</param>
/// <param name="Scopes">The scopes granted.</param>
public sealed record HubSpotRefreshTokenInfo(long PortalId, string ClientId, long? UserId, string? User, string? HubDomain,
    IReadOnlyList<string> Scopes);
