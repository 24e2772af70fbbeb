using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spoke.Errors;

namespace Spoke.OAuth;

/// <summary>
/// <c>app.MapHubSpotOAuth("/hubspot/oauth")</c>: the two endpoints an app needs to be installed from HubSpot.
/// <c>GET {prefix}/install[?returnUrl=/path][&amp;portalId=N]</c> sends the user to HubSpot's consent page with a fresh
/// state and PKCE verifier, kept in an encrypted, short-lived, HttpOnly cookie; <c>GET {prefix}/callback</c> checks the
/// state, exchanges the code, stores the installation in the registered <see cref="IHubSpotTokenStore"/> and redirects to
/// the page the install started from (local paths only). Needs <c>AddHubSpotOAuth()</c> and Data Protection
/// (<c>AddDataProtection()</c>; the durable stores register it).
/// </summary>
public static partial class HubSpotOAuthEndpoints
{
    private const string Purpose = "Spoke.OAuth.Endpoints.InstallState.v1";

    /// <summary>Maps <c>{prefix}/install</c> and <c>{prefix}/callback</c>. The app's redirect URI must be <c>{prefix}/callback</c> on this host.</summary>
    /// <exception cref="InvalidOperationException">A service is missing, or the configured redirect URI is not <c>{prefix}/callback</c>.</exception>
    public static RouteGroupBuilder MapHubSpotOAuth(this IEndpointRouteBuilder endpoints, string prefix = "/hubspot/oauth", Action<HubSpotOAuthEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        prefix = "/" + prefix.Trim('/');
        var options = new HubSpotOAuthEndpointOptions();
        configure?.Invoke(options);
        var services = endpoints.ServiceProvider;
        var oauth = services.GetService<HubSpotOAuth>()
            ?? throw new InvalidOperationException("MapHubSpotOAuth needs the app's OAuth settings: call services.AddHubSpotOAuth() first.");
        var protector = (services.GetService<IDataProtectionProvider>()
            ?? throw new InvalidOperationException("MapHubSpotOAuth keeps the install's state encrypted: call services.AddDataProtection() (and persist its keys)."))
            .CreateProtector(Purpose);
        var callbackPath = prefix + "/callback";
        if (oauth.Options.RedirectUri is not { } redirect || !string.Equals(redirect.AbsolutePath.TrimEnd('/'), callbackPath, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"HubSpotOAuthOptions.RedirectUri must point at this app's {callbackPath} (and be registered with the HubSpot app); it is {(oauth.Options.RedirectUri?.ToString() ?? "not set")}.");
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Spoke.OAuth.Endpoints") ?? NullLogger.Instance;
        var group = endpoints.MapGroup(prefix);
        // Typed as Func<…, IResult> so minimal APIs write the result (a bare HttpContext lambda would be a RequestDelegate).
        Func<HttpContext, IResult> install = ctx => Install(ctx, oauth, protector, options, prefix);
        Func<HttpContext, Task<IResult>> callback = ctx => CallbackAsync(ctx, oauth, protector, options, prefix, logger);
        group.MapGet("/install", install);
        group.MapGet("/callback", callback);
        return group;
    }

    private static IResult Install(HttpContext ctx, HubSpotOAuth oauth, IDataProtector protector, HubSpotOAuthEndpointOptions options, string prefix)
    {
        long? portalId = null;
        if (ctx.Request.Query["portalId"].ToString() is { Length: > 0 } portal)
        {
            if (!long.TryParse(portal, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return Results.Text("portalId must be a HubSpot portal (hub) id: a number.", statusCode: 400);
            }

            portalId = id;
        }

        var request = oauth.CreateAuthorizationRequest(new HubSpotAuthorizeOptions { PortalId = portalId });
        var state = new InstallState(request.State, request.CodeVerifier, request.RedirectUri.OriginalString,
            LocalPath(ctx.Request.Query["returnUrl"].ToString()), oauth.Options.TimeProvider.GetUtcNow().ToUnixTimeSeconds());
        ctx.Response.Cookies.Append(options.CookieName, protector.Protect(JsonSerializer.Serialize(state, InstallStateJson.Default.InstallState)), new CookieOptions
        {
            HttpOnly = true,
            Secure = ctx.Request.IsHttps,
            // Lax: the cookie must come back on HubSpot's top-level redirect to the callback.
            SameSite = SameSiteMode.Lax,
            Path = prefix,
            MaxAge = options.InstallLifetime,
            IsEssential = true,
        });
        ctx.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(request.Url.ToString());
    }

    private static async Task<IResult> CallbackAsync(HttpContext ctx, HubSpotOAuth oauth, IDataProtector protector, HubSpotOAuthEndpointOptions options, string prefix,
        ILogger logger)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        var state = ReadState(ctx, protector, options, oauth.Options.TimeProvider);
        // The cookie is single use, whatever happens next.
        ctx.Response.Cookies.Delete(options.CookieName, new CookieOptions { Path = prefix, Secure = ctx.Request.IsHttps, HttpOnly = true, SameSite = SameSiteMode.Lax });
        if (state is null)
        {
            LogRefused(logger, "no install in progress (cookie missing, expired or not readable)");
            return Results.Text("This HubSpot install could not be finished: it was not started here, or it took too long. Start the install again.", statusCode: 400);
        }

        var request = new HubSpotAuthorizationRequest(new Uri(state.RedirectUri), state.State, state.Verifier, new Uri(state.RedirectUri));
        if (!request.IsState(ctx.Request.Query["state"].ToString()))
        {
            LogRefused(logger, "state mismatch");
            return Results.Text("This HubSpot install could not be finished: the answer does not belong to the install started here (state mismatch). Start the install again.", statusCode: 400);
        }

        if (ctx.Request.Query["error"].ToString() is { Length: > 0 } error)
        {
            return Results.Redirect(WithQuery(options.DeniedPath, "error", error.Length <= 64 ? error : "error"));
        }

        if (ctx.Request.Query["code"].ToString() is not { Length: > 0 } code)
        {
            return Results.Text("This HubSpot install could not be finished: HubSpot sent no code. Start the install again.", statusCode: 400);
        }

        HubSpotInstallation installation;
        try
        {
            installation = await oauth.CompleteAuthorizationAsync(code, request, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (HubSpotApiException ex)
        {
            LogExchangeFailed(logger, ex.Status, ex.Category);
            return ex.Status is >= 400 and < 500 && ex is not HubSpotTransportException
                ? Results.Text($"HubSpot refused the install ({ex.Category}): start the install again.", statusCode: 400)
                : Results.Text("HubSpot could not be reached to finish the install: try again in a moment.", statusCode: 502);
        }

        await ctx.RequestServices.GetRequiredService<IHubSpotTokenStore>().SaveAsync(installation, ctx.RequestAborted).ConfigureAwait(false);
        LogInstalled(logger, installation.Key);
        if (options.OnInstalled is { } onInstalled)
        {
            await onInstalled(ctx, installation).ConfigureAwait(false);
        }

        return Results.Redirect(WithQuery(state.ReturnUrl ?? options.SuccessPath, "portalId", installation.PortalId.ToString(CultureInfo.InvariantCulture)));
    }

    private static InstallState? ReadState(HttpContext ctx, IDataProtector protector, HubSpotOAuthEndpointOptions options, TimeProvider time)
    {
        if (!ctx.Request.Cookies.TryGetValue(options.CookieName, out var cookie) || cookie.Length is 0 or > 8192)
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize(protector.Unprotect(cookie), InstallStateJson.Default.InstallState);
            var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(state?.IssuedAt ?? 0);
            return state is not null && age >= TimeSpan.Zero && age <= options.InstallLifetime ? state : null;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Only a path on this site: no scheme, no host, no <c>//host</c> or <c>/\host</c> (an open redirect otherwise).</summary>
    private static string? LocalPath(string? url) =>
        url is { Length: > 0 and <= 2048 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : null;

    private static string WithQuery(string path, string name, string value) =>
        path + (path.Contains('?', StringComparison.Ordinal) ? '&' : '?') + name + "=" + Uri.EscapeDataString(value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the HubSpot installation {Installation}")]
    private static partial void LogInstalled(ILogger logger, HubSpotInstallationKey installation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a HubSpot OAuth callback: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HubSpot refused the code exchange: {Status} {Category}")]
    private static partial void LogExchangeFailed(ILogger logger, int status, string? category);
}

internal sealed record InstallState(
    [property: JsonPropertyName("s")] string State,
    [property: JsonPropertyName("v")] string? Verifier,
    [property: JsonPropertyName("r")] string RedirectUri,
    [property: JsonPropertyName("u")] string? ReturnUrl,
    [property: JsonPropertyName("t")] long IssuedAt);

[JsonSerializable(typeof(InstallState))]
internal sealed partial class InstallStateJson : JsonSerializerContext;
