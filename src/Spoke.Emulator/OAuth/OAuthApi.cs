using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Spoke.Emulator.Http;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.OAuth;

/// <summary>
/// HubSpot's OAuth endpoints (docs/hubspot-api.md §3.11, §9): the consent page (<c>app.hubspot.com/oauth/authorize</c> on
/// HubSpot, served here on the emulator's own origin), the token endpoint on its v1, v3 and dated paths, token info,
/// refresh-token delete, and v3 introspect and revoke. None takes a bearer token; none is rate limited.
/// </summary>
internal static class OAuthApi
{
    public const string DecisionPath = "/oauth/authorize/decision";

    /// <summary>The token endpoint's paths (docs §1a): classic v1 and v3, and the dated versions.</summary>
    public static readonly string[] TokenPaths = ["/oauth/v1/token", "/oauth/v3/token", "/oauth/2026-03/token", "/oauth/2026-09/token"];

    /// <summary>Where introspect and revoke live (v3 and the dated versions).</summary>
    public static readonly string[] V3Prefixes = ["/oauth/v3/token", "/oauth/2026-03/token", "/oauth/2026-09/token"];

    /// <summary>Form bodies are tiny; anything bigger is refused before it is read (no authentication precedes them).</summary>
    private const int MaxFormBytes = 16 * 1024;

    public static bool IsOAuthPath(PathString path) =>
        path.StartsWithSegments("/oauth", StringComparison.OrdinalIgnoreCase);

    public static void MapOAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/oauth/authorize", (HttpContext ctx, PortalDirectory portals) => Authorize(ctx, portals, null));
        app.MapGet("/oauth/{portalId}/authorize", (HttpContext ctx, PortalDirectory portals, string portalId) =>
            long.TryParse(portalId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? Authorize(ctx, portals, id)
                : ErrorPage(404, "Unknown portal", $"\"{Clip(portalId)}\" is not a portal id: use /oauth/{{portalId}}/authorize with a number, or /oauth/authorize to choose."));
        app.MapPost(DecisionPath, Decide);
        foreach (var path in TokenPaths)
        {
            app.MapPost(path, Token);
        }

        foreach (var prefix in V3Prefixes)
        {
            app.MapPost(prefix + "/introspect", Introspect);
            app.MapPost(prefix + "/revoke", Revoke);
        }

        app.MapGet("/oauth/v1/access-tokens/{token}", (PortalDirectory portals, string token) => AccessTokenInfo(portals, token));
        app.MapGet("/oauth/v1/refresh-tokens/{token}", (PortalDirectory portals, string token) => RefreshTokenInfo(portals, token));
        app.MapDelete("/oauth/v1/refresh-tokens/{token}", (PortalDirectory portals, string token) =>
        {
            var primary = portals.Primary;
            using (primary.Write())
            {
                if (!primary.OAuth.DeleteRefresh(token))
                {
                    throw OAuthError.NotFound("refresh token not found");
                }
            }

            return JsonIO.NoContent();
        });
    }

    private static HtmlResult Authorize(HttpContext ctx, PortalDirectory portals, long? portalId)
    {
        var q = ctx.Request.Query;
        var primary = portals.Primary;
        var clientId = One(q, "client_id");
        OAuthApp? app;
        using (primary.Read())
        {
            app = primary.OAuth.FindApp(clientId);
        }

        if (app is null)
        {
            return ErrorPage(400, "Unknown app", clientId is null
                ? "The authorization request has no client_id: add client_id=… (the app's client id) to the URL."
                : "No app with this client_id is registered: check the client id, or register the app (POST /_emulator/oauth/apps, or spoke emulator --oauth-app).");
        }

        var redirect = One(q, "redirect_uri");
        if (redirect is null || !app.RedirectUris.Contains(redirect, StringComparer.Ordinal))
        {
            // Never redirect to an unregistered URI: that would hand codes to whoever wrote the link.
            return ErrorPage(400, "Redirect URI mismatch", redirect is null
                ? "The authorization request has no redirect_uri: add one of the app's registered redirect URIs."
                : $"redirect_uri does not exactly match a redirect URI registered for {app.Name}. Registered: {string.Join(", ", app.RedirectUris)}.");
        }

        var required = Split(One(q, "scope"));
        var optional = Split(One(q, "optional_scope"));
        if (required.Concat(optional).FirstOrDefault(s => !ScopeCatalog.IsKnown(s)) is { } unknown)
        {
            return ErrorPage(400, "Unknown scope", $"\"{Clip(unknown)}\" is not a HubSpot scope. Fix the scope parameter of the authorization URL.");
        }

        if (app.RequiredScopes.Except(required, StringComparer.Ordinal).ToList() is { Count: > 0 } missing)
        {
            return ErrorPage(400, "Scope mismatch", $"The app requires {string.Join(", ", missing)}, which the authorization URL's scope parameter does not ask for: the scopes must match the app's settings.");
        }

        if (required.Concat(optional).FirstOrDefault(s => !app.RequiredScopes.Contains(s, StringComparer.Ordinal) && !app.OptionalScopes.Contains(s, StringComparer.Ordinal)) is { } unconfigured)
        {
            return ErrorPage(400, "Scope mismatch", $"\"{unconfigured}\" is not one of the app's required or optional scopes: add it in the app's settings, or drop it from the URL.");
        }

        var challenge = One(q, "code_challenge");
        var method = One(q, "code_challenge_method");
        if (challenge is not null && (method ?? "plain") != "S256")
        {
            return ErrorPage(400, "Unsupported PKCE method", "Only code_challenge_method=S256 is accepted: send the base64url SHA-256 of the verifier.");
        }

        if (challenge is not null && (challenge.Length is < 43 or > 128))
        {
            return ErrorPage(400, "Bad PKCE challenge", "code_challenge must be the 43-character base64url SHA-256 of the code verifier.");
        }

        IReadOnlyList<long> choices;
        if (portalId is { } id)
        {
            if (portals.Find(id) is null)
            {
                return ErrorPage(404, "Unknown portal", $"The emulator serves no portal {id}. It serves: {string.Join(", ", portals.All.Select(p => p.PortalId))}.");
            }

            choices = [id];
        }
        else
        {
            choices = [.. portals.All.Select(p => p.PortalId)];
        }

        var state = One(q, "state");
        ConsentRequest consent;
        using (primary.Write())
        {
            consent = primary.OAuth.AddConsent(new ConsentRequest(NewId(), app, redirect, required, [.. optional.Distinct(StringComparer.Ordinal)], state, challenge,
                choices, primary.Now + primary.OAuth.CodeLifetime), primary.Now);
        }

        var redirectOrigin = new Uri(redirect).GetLeftPart(UriPartial.Authority);
        return new HtmlResult(200, ConsentPage(consent), redirectOrigin);
    }

    private static async Task<IResult> Decide(HttpContext ctx, PortalDirectory portals)
    {
        if (ctx.Request.Headers.Origin is { Count: > 0 } origin && !IsOwnOrigin(ctx, origin.ToString()))
        {
            return ErrorPage(403, "Cross-site request refused", "The consent decision must come from the consent page itself.");
        }

        var form = await ReadFormAsync(ctx).ConfigureAwait(false);
        if (form is null)
        {
            return ErrorPage(400, "Bad request", "Send the consent form as application/x-www-form-urlencoded (at most 16 KB).");
        }

        var primary = portals.Primary;
        ConsentRequest? consent;
        using (primary.Write())
        {
            consent = primary.OAuth.TakeConsent(One(form, "request"), primary.Now);
        }

        if (consent is null)
        {
            return ErrorPage(400, "This page has expired", "The consent page expired or was already answered: start the authorization again from the app.");
        }

        var decision = One(form, "decision");
        if (decision == "cancel")
        {
            return Redirect(consent.RedirectUri, ("error", "access_denied"), ("error_description", "The user declined to connect the app."), ("state", consent.State));
        }

        if (decision != "connect")
        {
            return ErrorPage(400, "Bad request", "The decision must be connect or cancel.");
        }

        if (!long.TryParse(One(form, "portalId"), NumberStyles.None, CultureInfo.InvariantCulture, out var portalId) || !consent.Portals.Contains(portalId))
        {
            return ErrorPage(400, "Choose a portal", "The portal chosen is not one this request may install into: start the authorization again.");
        }

        AuthorizationCode code;
        using (primary.Write())
        {
            code = primary.OAuth.IssueCode(consent, portalId, primary.Now);
        }

        return Redirect(consent.RedirectUri, ("code", code.Code), ("state", consent.State));
    }

    private static async Task<IResult> Token(HttpContext ctx, PortalDirectory portals)
    {
        var form = await ReadFormAsync(ctx).ConfigureAwait(false) ?? throw OAuthError.BadRequest("Send the token request as application/x-www-form-urlencoded (at most 16 KB).");
        // The v1 spec also takes client_secret and refresh_token in the query.
        string? Field(string name) => One(form, name) ?? One(ctx.Request.Query, name);
        var grantType = Field("grant_type");
        if (grantType is not ("authorization_code" or "refresh_token"))
        {
            throw OAuthError.BadGrantType(grantType);
        }

        var primary = portals.Primary;
        IssuedTokens issued;
        using (primary.Write())
        {
            var app = Client(primary.OAuth, Field("client_id"), Field("client_secret"));
            issued = grantType == "authorization_code"
                ? primary.OAuth.Exchange(app, Field("code"), Field("redirect_uri"), Field("code_verifier"), portals.Find, primary.Now)
                : primary.OAuth.Refresh(app, Field("refresh_token"), portals.Find, primary.Now);
        }

        ctx.Response.Headers.CacheControl = "no-store";
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("token_type", "bearer");
            w.WriteString("refresh_token", issued.RefreshToken);
            w.WriteString("access_token", issued.AccessToken);
            w.WriteNumber("expires_in", issued.ExpiresInSeconds);
            w.WriteString("token_use", "access_token");
            w.WriteNumber("hub_id", issued.PortalId);
            w.WriteNumber("user_id", issued.UserId);
            WriteScopes(w, issued.Scopes);
            w.WriteEndObject();
        });
    }

    private static IResult AccessTokenInfo(PortalDirectory portals, string token)
    {
        var (portal, grant) = FindAccess(portals, token);
        OAuthApp? app;
        using (portals.Primary.Read())
        {
            app = portals.Primary.OAuth.FindApp(grant.Installation);
        }

        var expiresIn = (long)Math.Ceiling((grant.ExpiresAt!.Value - portal.Now).TotalSeconds);
        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("token", token);
            w.WriteString("user", OAuthServer.UserFor(portal.PortalId));
            w.WriteString("hub_domain", OAuthServer.HubDomainFor(portal.PortalId));
            WriteScopes(w, grant.Scopes.Order(StringComparer.Ordinal));
            w.WriteNumber("hub_id", portal.PortalId);
            w.WriteNumber("app_id", app?.AppId ?? 0);
            w.WriteNumber("expires_in", expiresIn);
            w.WriteNumber("user_id", OAuthServer.UserIdFor(portal.PortalId));
            w.WriteString("token_type", "access");
            w.WriteBoolean("is_private_distribution", false);
            w.WriteEndObject();
        });
    }

    private static IResult RefreshTokenInfo(PortalDirectory portals, string token)
    {
        RefreshGrant grant;
        using (portals.Primary.Read())
        {
            grant = portals.Primary.OAuth.FindRefresh(token) ?? throw OAuthError.NotFound("refresh token not found");
        }

        return JsonIO.Json(w => WriteRefreshInfo(w, grant, introspection: false));
    }

    private static async Task<IResult> Introspect(HttpContext ctx, PortalDirectory portals)
    {
        var (app, token) = await V3Form(ctx, portals).ConfigureAwait(false);
        var primary = portals.Primary;
        RefreshGrant? refresh;
        using (primary.Read())
        {
            refresh = primary.OAuth.FindRefresh(token);
        }

        if (refresh is not null && refresh.ClientId == app.ClientId)
        {
            return JsonIO.Json(w => WriteRefreshInfo(w, refresh, introspection: true));
        }

        if (TryFindAccess(portals, token) is { } found && found.Grant.Installation == app.ClientId)
        {
            var (portal, grant) = found;
            return JsonIO.Json(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("active", true);
                w.WriteString("token_use", "access_token");
                w.WriteString("client_id", app.ClientId);
                w.WriteNumber("hub_id", portal.PortalId);
                w.WriteNumber("app_id", app.AppId);
                w.WriteNumber("user_id", OAuthServer.UserIdFor(portal.PortalId));
                w.WriteNumber("expires_in", (long)Math.Ceiling((grant.ExpiresAt!.Value - portal.Now).TotalSeconds));
                WriteScopes(w, grant.Scopes.Order(StringComparer.Ordinal));
                w.WriteString("token_type", "access");
                w.WriteEndObject();
            });
        }

        return JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("active", false);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Revoke(HttpContext ctx, PortalDirectory portals)
    {
        var (app, token) = await V3Form(ctx, portals).ConfigureAwait(false);
        var primary = portals.Primary;
        using (primary.Write())
        {
            if (primary.OAuth.FindRefresh(token) is { } refresh && refresh.ClientId == app.ClientId)
            {
                primary.OAuth.DeleteRefresh(token);
            }
        }

        if (TryFindAccess(portals, token) is { } found && found.Grant.Installation == app.ClientId)
        {
            using (found.Portal.Write())
            {
                found.Portal.Tokens.Remove(token);
            }
        }

        // RFC 7009: revoking an unknown token succeeds too (nothing tells a caller which tokens exist).
        return Results.Ok();
    }

    private static async Task<(OAuthApp App, string Token)> V3Form(HttpContext ctx, PortalDirectory portals)
    {
        var form = await ReadFormAsync(ctx).ConfigureAwait(false) ?? throw OAuthError.BadRequest("Send the request as application/x-www-form-urlencoded (at most 16 KB).");
        var primary = portals.Primary;
        OAuthApp app;
        using (primary.Read())
        {
            app = Client(primary.OAuth, One(form, "client_id"), One(form, "client_secret"));
        }

        var token = One(form, "token") ?? throw OAuthError.BadRequest("missing token: send token=… (an access or refresh token)");
        return (app, token);
    }

    private static OAuthApp Client(OAuthServer server, string? clientId, string? clientSecret)
    {
        var app = server.FindApp(clientId) ?? throw OAuthError.BadClientId();
        if (clientSecret is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(app.ClientSecret)))
        {
            throw OAuthError.BadClientSecret();
        }

        return app;
    }

    private static (PortalState Portal, Auth.TokenGrant Grant) FindAccess(PortalDirectory portals, string token) =>
        TryFindAccess(portals, token) ?? throw OAuthError.NotFound("access token not found or expired");

    /// <summary>An OAuth access token that has not expired, and the portal it was issued for.</summary>
    private static (PortalState Portal, Auth.TokenGrant Grant)? TryFindAccess(PortalDirectory portals, string token)
    {
        foreach (var portal in portals.All)
        {
            if (portal.Tokens.Find(token) is { Installation: not null, ExpiresAt: { } expires } grant && expires > portal.Now)
            {
                return (portal, grant);
            }
        }

        return null;
    }

    private static void WriteRefreshInfo(Utf8JsonWriter w, RefreshGrant grant, bool introspection)
    {
        w.WriteStartObject();
        if (introspection)
        {
            w.WriteBoolean("active", true);
            w.WriteString("token_use", "refresh_token");
        }
        else
        {
            w.WriteString("token", grant.Token);
        }

        w.WriteString("user", grant.User);
        w.WriteNumber("hub_id", grant.PortalId);
        w.WriteString("hub_domain", OAuthServer.HubDomainFor(grant.PortalId));
        WriteScopes(w, grant.Scopes);
        w.WriteString("client_id", grant.ClientId);
        w.WriteString("token_type", "refresh");
        w.WriteNumber("user_id", grant.UserId);
        w.WriteEndObject();
    }

    private static void WriteScopes(Utf8JsonWriter w, IEnumerable<string> scopes)
    {
        w.WriteStartArray("scopes");
        foreach (var s in scopes)
        {
            w.WriteStringValue(s);
        }

        w.WriteEndArray();
    }

    private static async Task<IFormCollection?> ReadFormAsync(HttpContext ctx)
    {
        if (!ctx.Request.HasFormContentType || ctx.Request.HasFormContentType && ctx.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (ctx.Request.ContentLength is not { } length || length > MaxFormBytes)
        {
            return null;
        }

        try
        {
            return await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static string? One(IQueryCollection q, string name) => q.TryGetValue(name, out var v) ? Single(v) : null;

    private static string? One(IFormCollection f, string name) => f.TryGetValue(name, out var v) ? Single(v) : null;

    private static string? Single(StringValues v) => v.Count == 1 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;

    private static List<string> Split(string? scopes) =>
        scopes is null ? [] : [.. scopes.Split([' ', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    private static bool IsOwnOrigin(HttpContext ctx, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
        string.Equals(uri.Scheme, ctx.Request.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(uri.Authority, ctx.Request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private static RedirectResult Redirect(string redirectUri, params (string Name, string? Value)[] parameters)
    {
        var builder = new StringBuilder(redirectUri);
        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new RedirectResult(builder.ToString());
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string Clip(string value) => value.Length <= 60 ? value : value[..60] + "…";

    private static string H(string? value) => WebUtility.HtmlEncode(value ?? "");

    private const string Style = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#213343}" +
        "h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:1.5rem}label{display:block;font-weight:600;margin:1rem 0 .3rem}" +
        "select,button{font-size:1rem;padding:.5rem .9rem}button{margin-right:.6rem;border-radius:4px;border:1px solid #516f90;cursor:pointer}" +
        "button[value=connect]{background:#ff7a59;color:#fff;border-color:#ff7a59}code{background:#f5f8fa;padding:0 .2rem}.note{color:#516f90}";

    private static string ConsentPage(ConsentRequest consent)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Connect ").Append(H(consent.App.Name)).Append(" to HubSpot</title><style>").Append(Style).Append("</style></head><body><main>")
            .Append("<h1>Connect <strong>").Append(H(consent.App.Name)).Append("</strong> to your HubSpot account</h1>")
            .Append("<p class=\"note\">Spoke emulator: a local stand-in for HubSpot's consent screen.</p>")
            .Append("<form method=\"post\" action=\"").Append(DecisionPath).Append("\">")
            .Append("<input type=\"hidden\" name=\"request\" value=\"").Append(H(consent.Id)).Append("\">")
            .Append("<label for=\"portal\">Portal</label><select id=\"portal\" name=\"portalId\">");
        foreach (var id in consent.Portals)
        {
            html.Append("<option value=\"").Append(id).Append("\">Portal ").Append(id).Append("</option>");
        }

        html.Append("</select>");
        AppendScopes(html, "Required access", "required-scopes", consent.RequiredScopes);
        AppendScopes(html, "Optional access", "optional-scopes", consent.OptionalScopes);
        html.Append("<p class=\"note\">After you choose, you go back to <code>").Append(H(new Uri(consent.RedirectUri).GetLeftPart(UriPartial.Path))).Append("</code>.</p>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"connect\">Connect</button>")
            .Append("<button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>")
            .Append("</form></main></body></html>");
        return html.ToString();
    }

    private static void AppendScopes(StringBuilder html, string title, string id, IReadOnlyList<string> scopes)
    {
        if (scopes.Count == 0)
        {
            return;
        }

        html.Append("<h2 id=\"").Append(id).Append("\">").Append(title).Append("</h2><ul aria-labelledby=\"").Append(id).Append("\">");
        foreach (var s in scopes)
        {
            html.Append("<li><code>").Append(H(s)).Append("</code></li>");
        }

        html.Append("</ul>");
    }

    private static HtmlResult ErrorPage(int status, string title, string message) =>
        new HtmlResult(status, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + H(title) + "</title><style>" + Style +
            "</style></head><body><main><h1>" + H(title) + "</h1><p role=\"alert\">" + H(message) + "</p></main></body></html>", null);

    /// <summary>A server-rendered page: no script, no external asset, and a policy that says so.</summary>
    private sealed class HtmlResult(int status, string html, string? formTarget) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            // form-action must allow the redirect URI's origin: browsers apply it to the redirect that follows the POST.
            response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'" +
                (formTarget is null ? "" : " " + formTarget);
            response.Headers.XFrameOptions = "DENY";
            response.Headers["Referrer-Policy"] = "same-origin";
            response.Headers.CacheControl = "no-store";
            response.Headers.XContentTypeOptions = "nosniff";
            await response.WriteAsync(html, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    private sealed class RedirectResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = 302;
            httpContext.Response.Headers.Location = location;
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        }
    }
}
