using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spoke.Emulator.Auth;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Faults;
using Spoke.Emulator.Portal;
using Spoke.Emulator.RateLimits;

namespace Spoke.Emulator.Hosting;

/// <summary>
/// The request pipeline in HubSpot's order: correlation id → errors as HubSpot bodies → auth → rate limits →
/// archive retention → injected faults → API.
/// </summary>
internal static partial class EmulatorPipeline
{
    public const string AdminPrefix = "/_emulator";

    public static void UseEmulatorPipeline(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Spoke.Emulator");
        app.Use(async (ctx, next) =>
        {
            var correlationId = ApiError.CorrelationId(ctx);
            ctx.Response.Headers["X-HubSpot-Correlation-Id"] = correlationId;
            try
            {
                await next(ctx).ConfigureAwait(false);
            }
            catch (ApiError error) when (!ctx.Response.HasStarted)
            {
                await error.WriteAsync(ctx).ConfigureAwait(false);
            }
            catch (OAuth.OAuthError error) when (!ctx.Response.HasStarted)
            {
                await error.WriteAsync(ctx).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex) when (!ctx.Response.HasStarted)
            {
                await ApiError.Validation($"Invalid request: {ex.Message}").WriteAsync(ctx).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ctx.Response.HasStarted && ex is not OperationCanceledException)
            {
                // Log the route template and correlation id only: bodies, and paths (an email as idProperty), may hold personal data.
                var route = ctx.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : "(no route)";
                LogUnhandled(logger, ex, ctx.Request.Method, route, correlationId);
                await new ApiError(500, "INTERNAL_ERROR", "Internal error. Quote the correlationId when you report it.")
                    .WriteAsync(ctx).ConfigureAwait(false);
            }
        });

        app.Use(async (ctx, next) =>
        {
            var directory = ctx.RequestServices.GetRequiredService<PortalDirectory>();
            if (directory.All.FirstOrDefault(p => p.JournalFailure is not null)?.JournalFailure is { } failure)
            {
                throw new ApiError(503, "SERVICE_UNAVAILABLE",
                    $"The emulator could not write its data file ({failure}), so its memory is ahead of the file and it refuses every request until it is restarted. Every acknowledged write is in the file: free disk space or fix the file's permissions, then restart the emulator.");
            }

            var current = ctx.RequestServices.GetRequiredService<CurrentPortal>();
            if (AdminRequests.IsAdminPath(ctx.Request.Path))
            {
                AdminRequests.Check(ctx);
                // Admin calls act on the primary portal, or on the one ?portalId= names.
                if (ctx.Request.Query.TryGetValue("portalId", out var portalId))
                {
                    current.Services = (long.TryParse(portalId.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                        ? directory.ServicesOf(id) : null)
                        ?? throw ApiError.NotFound($"The emulator serves no portal {portalId}; it serves {string.Join(", ", directory.All.Select(p => p.PortalId))} (GET /_emulator/portals).");
                }

                await next(ctx).ConfigureAwait(false);
                return;
            }

            if (OAuth.OAuthApi.IsOAuthPath(ctx.Request.Path))
            {
                // The consent page and the token endpoints authenticate with the app's client id and secret, not a bearer token.
                await next(ctx).ConfigureAwait(false);
                return;
            }

            if (Exports.ExportsApi.IsDownloadPath(ctx.Request.Path))
            {
                // An export's download link is its own credential (HubSpot's is a pre-signed file URL): no token, no budget.
                // It names its portal by being known to that portal's exports.
                current.Services = Exports.ExportsApi.DownloadPortal(ctx.Request.Path, directory) ?? current.Services;
                await next(ctx).ConfigureAwait(false);
                return;
            }

            var (services, grant) = DeveloperKey.Authenticate(ctx, directory.Primary) is { } developer
                ? (directory.PrimaryServices, developer)
                : Authenticate(ctx, directory);
            // From here on every handler sees the portal the token belongs to: one portal's tokens never see another's records.
            current.Services = services;
            var portal = services.Portal;
            ctx.Items[Scopes.GrantItem] = grant;
            var ownApp = portal.Webhooks.AppTokens.Contains(grant.Token);
            Webhooks.WebhookChangeSource.Set(ownApp ? Webhooks.WebhookChangeSource.Integration : Webhooks.WebhookChangeSource.Api, null);
            var limiter = services.Limiter;
            // An OAuth installation has one budget however many access tokens it was issued (docs §7: 110 per 10 s).
            var decision = grant.Installation is { } clientId
                ? limiter.Check("oauth:" + clientId, IsSearch(ctx.Request), oauth: true)
                : limiter.Check(grant.Token, IsSearch(ctx.Request));
            if (decision.Rejection is { } rejection)
            {
                throw rejection;
            }

            if (decision.Headers is { } headers)
            {
                foreach (var (name, value) in headers)
                {
                    ctx.Response.Headers[name] = value;
                }
            }

            await next(ctx).ConfigureAwait(false);
        });

        app.UseArchiveRetention();
        app.UseFaultInjection();
    }

    /// <summary>Anything no endpoint claims answers like HubSpot: a 404 body.</summary>
    public static void MapUnknownRoutes(this WebApplication app) =>
        app.MapFallback((HttpContext ctx) =>
        {
            throw new ApiError(404, "OBJECT_NOT_FOUND", $"Resource not found: {ctx.Request.Method} {ctx.Request.Path} is not an endpoint of this API.");
        });

    private static (PortalServices Services, TokenGrant Grant) Authenticate(HttpContext ctx, PortalDirectory directory)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw Scopes.MissingCredentials();
        }

        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            throw Scopes.MissingCredentials();
        }

        var token = header[bearer.Length..].Trim();
        var (services, grant) = directory.FindToken(token) ?? throw Scopes.InvalidToken(expired: false);
        if (grant.ExpiresAt is { } expiresAt && expiresAt <= services.Portal.Now)
        {
            throw Scopes.InvalidToken(expired: true);
        }

        return (services, grant);
    }

    /// <summary>CRM search requests: their own 5/s budget and no rate-limit headers.</summary>
    public static bool IsSearch(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return false;
        }

        // Routing ignores case and a trailing slash, so the budget that applies must too.
        var path = (request.Path.Value ?? "").TrimEnd('/');
        return path.EndsWith("/search", StringComparison.OrdinalIgnoreCase) &&
               (path.StartsWith("/crm/v3/objects/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/crm/objects/", StringComparison.OrdinalIgnoreCase));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Route} (correlation {CorrelationId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string? route, string correlationId);
}
