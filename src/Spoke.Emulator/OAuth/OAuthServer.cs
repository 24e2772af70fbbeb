using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Persistence;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.OAuth;

internal sealed record OAuthApp(long AppId, string Name, string ClientId, string ClientSecret, List<string> RedirectUris,
    List<string> RequiredScopes, List<string> OptionalScopes)
{
    public OAuthAppCredentials Credentials => new(AppId, Name, ClientId, ClientSecret, RedirectUris, RequiredScopes, OptionalScopes);
}

/// <summary>A refresh token: the installation of one app in one portal. <see cref="Successor"/> is the rotated token
/// handed out for it and not used yet (rotation's grace: this one stays valid until the successor is first used).</summary>
internal sealed record RefreshGrant(string Token, string ClientId, long PortalId, List<string> Scopes, long UserId, string User,
    DateTimeOffset IssuedAt, string? Successor = null, string? Predecessor = null);

internal sealed record AuthorizationCode(string Code, string ClientId, string RedirectUri, long PortalId, IReadOnlyList<string> Scopes,
    string? CodeChallenge, DateTimeOffset ExpiresAt);

/// <summary>A consent page on screen: what the decision POST may grant (its id is the page's hidden field).</summary>
internal sealed record ConsentRequest(string Id, OAuthApp App, string RedirectUri, IReadOnlyList<string> RequiredScopes,
    IReadOnlyList<string> OptionalScopes, string? State, string? CodeChallenge, IReadOnlyList<long> Portals, DateTimeOffset ExpiresAt);

/// <summary>What a token request answers: the tokens and what they stand for.</summary>
internal sealed record IssuedTokens(string AccessToken, string RefreshToken, long ExpiresInSeconds, long PortalId, long UserId, IReadOnlyList<string> Scopes);

internal sealed record OAuthAppsDocument(List<OAuthApp> Apps, List<RefreshGrant> RefreshTokens, long NextAppId);

/// <summary>
/// The developer account's side of HubSpot OAuth: registered public apps, consent requests on screen, authorization
/// codes and refresh tokens. It lives in the primary portal (the developer account is not a portal, and the primary
/// portal's data file holds its apps); access tokens live in the portal they were issued for, beside its private-app
/// tokens, so the pipeline routes a request by its token. Mutations run inside the primary portal's write scope.
/// Codes and consent requests are kept in memory only (they live minutes) and are capped, so a flood of unauthenticated
/// authorization requests cannot grow memory without bound.
/// </summary>
internal sealed class OAuthServer : PortalFeature
{
    /// <summary>At most this many consent pages and codes outstanding; the oldest is dropped first.</summary>
    public const int MaxPending = 1_000;

    private readonly Dictionary<string, OAuthApp> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshGrant> _refresh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsentRequest> _consents = new(StringComparer.Ordinal);
    private long _nextAppId = 5_000_001;

    public override string Name => "oauth";

    /// <summary>Hand out a new refresh token on every refresh (UNVERIFIED for HubSpot, which is documented to keep it).</summary>
    public bool RotateRefreshTokens { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<OAuthApp> Apps => _apps.Values.OrderBy(a => a.AppId);

    public OAuthApp? FindApp(string? clientId) => clientId is null ? null : _apps.GetValueOrDefault(clientId);

    public RefreshGrant? FindRefresh(string token) => _refresh.GetValueOrDefault(token);

    public IEnumerable<RefreshGrant> RefreshTokens => _refresh.Values;

    /// <summary>Registers an app; one whose client id is already registered has its settings replaced (its id and,
    /// unless a new one is given, its secret stay), so an emulator started again on its data file with the same app keeps it.</summary>
    public OAuthApp Register(OAuthAppDefinition definition, bool replace = false)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var existing = definition.ClientId is { } given ? _apps.GetValueOrDefault(given) : null;
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            problems.Add("name must not be empty");
        }

        if (definition.ClientId is { } id && (id.Length is 0 or > 200 || id.Any(char.IsWhiteSpace)))
        {
            problems.Add("clientId must be 1 to 200 characters without spaces (or absent to have one generated)");
        }

        if (existing is not null && !replace)
        {
            problems.Add($"an app with client id {existing.ClientId} is already registered");
        }

        if (definition.ClientSecret is { } secret && (secret.Length is 0 or > 200))
        {
            problems.Add("clientSecret must be 1 to 200 characters (or absent to have one generated)");
        }

        if (definition.RedirectUris.Count == 0)
        {
            problems.Add("redirectUris must name at least one redirect URI");
        }

        foreach (var uri in definition.RedirectUris)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp) || parsed.Fragment.Length > 0)
            {
                problems.Add($"redirect URI \"{uri}\" is not an absolute http(s) URI without a fragment");
            }
        }

        foreach (var scope in definition.RequiredScopes.Concat(definition.OptionalScopes))
        {
            if (!ScopeCatalog.IsKnown(scope))
            {
                problems.Add($"scope \"{scope}\" is not a HubSpot scope the emulator knows (see GET /_emulator/oauth/scopes)");
            }
        }

        if (definition.RequiredScopes.Intersect(definition.OptionalScopes, StringComparer.Ordinal).FirstOrDefault() is { } both)
        {
            problems.Add($"scope \"{both}\" is both required and optional");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The OAuth app is not valid: " + string.Join("; ", problems) + ".", nameof(definition));
        }

        var app = new OAuthApp(existing?.AppId ?? _nextAppId++, definition.Name.Trim(), definition.ClientId ?? Guid.NewGuid().ToString(),
            definition.ClientSecret ?? existing?.ClientSecret ?? Guid.NewGuid().ToString(), [.. definition.RedirectUris.Distinct(StringComparer.Ordinal)],
            [.. definition.RequiredScopes.Distinct(StringComparer.Ordinal)], [.. definition.OptionalScopes.Distinct(StringComparer.Ordinal)]);
        _apps[app.ClientId] = app;
        MarkDirty();
        return app;
    }

    public ConsentRequest AddConsent(ConsentRequest request, DateTimeOffset now)
    {
        Prune(_consents, c => c.ExpiresAt <= now);
        while (_consents.Count >= MaxPending)
        {
            _consents.Remove(_consents.MinBy(kv => kv.Value.ExpiresAt).Key);
        }

        _consents[request.Id] = request;
        return request;
    }

    /// <summary>Takes the consent request (single use); null when unknown or expired.</summary>
    public ConsentRequest? TakeConsent(string? id, DateTimeOffset now) =>
        id is not null && _consents.Remove(id, out var c) && c.ExpiresAt > now ? c : null;

    public AuthorizationCode IssueCode(ConsentRequest consent, long portalId, DateTimeOffset now)
    {
        Prune(_codes, c => c.ExpiresAt <= now);
        while (_codes.Count >= MaxPending)
        {
            _codes.Remove(_codes.MinBy(kv => kv.Value.ExpiresAt).Key);
        }

        var code = new AuthorizationCode(NewSecret("", 24), consent.App.ClientId, consent.RedirectUri, portalId,
            [.. consent.RequiredScopes, .. consent.OptionalScopes], consent.CodeChallenge, now + CodeLifetime);
        _codes[code.Code] = code;
        return code;
    }

    /// <summary>Redeems a code: single use, so it is gone whether or not the exchange succeeds (as an attacker's
    /// replay must not get a second try); unknown, used and expired codes are <c>BAD_AUTH_CODE</c>.</summary>
    public IssuedTokens Exchange(OAuthApp app, string? code, string? redirectUri, string? codeVerifier, Func<long, PortalState?> portals, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(code))
        {
            throw OAuthError.BadAuthCode("missing authorization code: send code=… from the redirect");
        }

        if (!_codes.Remove(code, out var grant) || !string.Equals(grant.ClientId, app.ClientId, StringComparison.Ordinal))
        {
            throw OAuthError.BadAuthCode("missing or unknown auth code");
        }

        if (grant.ExpiresAt <= now)
        {
            throw OAuthError.BadAuthCode("auth code expired: start the authorization again");
        }

        if (!string.Equals(redirectUri, grant.RedirectUri, StringComparison.Ordinal))
        {
            throw OAuthError.BadRedirectUri("redirect_uri does not match the one the authorization request used");
        }

        if (grant.CodeChallenge is { } challenge)
        {
            if (string.IsNullOrEmpty(codeVerifier))
            {
                throw OAuthError.BadAuthCode("this code was issued for a PKCE challenge: send its code_verifier");
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(S256(codeVerifier)), Encoding.ASCII.GetBytes(challenge)))
            {
                throw OAuthError.BadAuthCode("code_verifier does not match the code_challenge of the authorization request");
            }
        }

        var portal = portals(grant.PortalId) ?? throw OAuthError.BadAuthCode("the portal this code was issued for no longer exists");
        var refresh = new RefreshGrant(NewRefreshToken(), app.ClientId, grant.PortalId, [.. grant.Scopes], UserIdFor(grant.PortalId), UserFor(grant.PortalId), now);
        _refresh[refresh.Token] = refresh;
        MarkDirty();
        return IssueAccess(portal, refresh, now);
    }

    public IssuedTokens Refresh(OAuthApp app, string? refreshToken, Func<long, PortalState?> portals, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(refreshToken) || !_refresh.TryGetValue(refreshToken, out var grant) ||
            !string.Equals(grant.ClientId, app.ClientId, StringComparison.Ordinal))
        {
            throw OAuthError.BadRefreshToken();
        }

        var portal = portals(grant.PortalId) ?? throw OAuthError.BadRefreshToken();
        if (grant.Predecessor is { } old)
        {
            // The rotated token is in use: the one it replaced stops working now.
            _refresh.Remove(old);
            grant = grant with { Predecessor = null };
            _refresh[grant.Token] = grant;
            MarkDirty();
        }

        if (RotateRefreshTokens)
        {
            if (grant.Successor is { } unused)
            {
                _refresh.Remove(unused);
            }

            var next = grant with { Token = NewRefreshToken(), IssuedAt = now, Successor = null, Predecessor = grant.Token };
            _refresh[next.Token] = next;
            _refresh[grant.Token] = grant with { Successor = next.Token };
            MarkDirty();
            grant = next;
        }

        return IssueAccess(portal, grant, now);
    }

    /// <summary>Deletes a refresh token (and a rotation pair's other half); access tokens stay until they expire, as HubSpot documents.</summary>
    public bool DeleteRefresh(string token)
    {
        if (!_refresh.Remove(token, out var grant))
        {
            return false;
        }

        foreach (var linked in new[] { grant.Successor, grant.Predecessor })
        {
            if (linked is not null)
            {
                _refresh.Remove(linked);
            }
        }

        MarkDirty();
        return true;
    }

    /// <summary>Uninstalls <paramref name="clientId"/> from a portal: its refresh tokens go, and its access tokens stop working.</summary>
    public bool Uninstall(string clientId, PortalState portal)
    {
        var gone = _refresh.Values.Where(r => r.ClientId == clientId && r.PortalId == portal.PortalId).Select(r => r.Token).ToList();
        foreach (var token in gone)
        {
            _refresh.Remove(token);
        }

        if (gone.Count > 0)
        {
            MarkDirty();
        }

        bool removedAccess;
        using (portal.Write())
        {
            removedAccess = portal.Tokens.RemoveInstallation(clientId) > 0;
        }

        return gone.Count > 0 || removedAccess;
    }

    private IssuedTokens IssueAccess(PortalState portal, RefreshGrant grant, DateTimeOffset now)
    {
        var token = NewAccessToken();
        using (portal.Write())
        {
            portal.Tokens.PruneExpiredInstallationTokens(now);
            portal.Tokens.Add(new TokenGrant(token, new HashSet<string>(grant.Scopes, StringComparer.Ordinal), false, now + AccessTokenLifetime, grant.ClientId));
        }

        return new IssuedTokens(token, grant.Token, (long)AccessTokenLifetime.TotalSeconds, grant.PortalId, grant.UserId, grant.Scopes);
    }

    public override void Reset(DateTimeOffset now)
    {
        // Apps and installations belong to the developer account: they survive a portal reset, like tokens.
    }

    public override void Save(Utf8JsonWriter writer) =>
        Write(writer, "oauth", new OAuthAppsDocument([.. Apps], [.. _refresh.Values.OrderBy(r => r.Token, StringComparer.Ordinal)], _nextAppId),
            PersistenceJsonContext.Default.OAuthAppsDocument);

    public override void Load(JsonElement document)
    {
        if (TryRead(document, "oauth", PersistenceJsonContext.Default.OAuthAppsDocument, out var doc))
        {
            foreach (var app in doc.Apps)
            {
                _apps[app.ClientId] = app;
            }

            foreach (var r in doc.RefreshTokens)
            {
                _refresh[r.Token] = r;
            }

            _nextAppId = Math.Max(_nextAppId, doc.NextAppId);
        }
    }

    public static string S256(string verifier) =>
        Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static long UserIdFor(long portalId) => 1_000_000 + (portalId % 1_000_000);

    public static string UserFor(long portalId) => $"installer@portal-{portalId}.example.com";

    public static string HubDomainFor(long portalId) => $"portal-{portalId}.example.com";

    /// <summary>Opaque, like HubSpot's (<c>CIrT…</c>, up to 512 characters): random bytes, base64url.</summary>
    private static string NewAccessToken() => "C" + NewSecret("", 96);

    private static string NewRefreshToken() => "na1-" + Guid.NewGuid().ToString() + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string NewSecret(string prefix, int bytes) => prefix + Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Prune<T>(Dictionary<string, T> items, Func<T, bool> expired)
    {
        foreach (var key in items.Where(kv => expired(kv.Value)).Select(kv => kv.Key).ToList())
        {
            items.Remove(key);
        }
    }
}
