using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Portal;
using Spoke.Emulator.RateLimits;

namespace Spoke.Emulator.Admin;

/// <summary>The emulator's own controls under <c>/_emulator/</c> (loopback only, no token).</summary>
internal static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/_emulator");
        g.MapGet("/health", (PortalState portal) => JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "ok");
            w.WriteNumber("portalId", portal.PortalId);
            w.WriteEndObject();
        }));

        g.MapGet("/portals", (PortalDirectory portals) => JsonIO.Results(portals.All, (w, p) =>
        {
            w.WriteStartObject();
            w.WriteNumber("portalId", p.PortalId);
            w.WriteBoolean("primary", ReferenceEquals(p, portals.Primary));
            w.WriteEndObject();
        }));

        // The app the emulator stands in for, so SDK users can build a developer-key client (timeline templates).
        g.MapGet("/app", (PortalState portal) => JsonIO.Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("appId", portal.AppId);
            w.WriteString("developerApiKey", portal.DeveloperApiKey);
            w.WriteEndObject();
        }));

        g.MapPost("/tokens", async (HttpContext ctx, PortalState portal) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var scopes = doc.RootElement.Field("scopes");
            if (scopes.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined or JsonValueKind.Null) ||
                (scopes.ValueKind == JsonValueKind.Array && scopes.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String)))
            {
                throw ApiError.Validation("\"scopes\" must be an array of scope names (strings) such as [\"crm.objects.contacts.read\"], or absent for every scope.",
                    context: ApiError.Ctx("field", "scopes"));
            }

            Auth.TokenGrant grant;
            using (portal.Write())
            {
                grant = scopes.ValueKind == JsonValueKind.Array
                    ? portal.Tokens.Create(scopes.EnumerateArray().Select(s => s.GetString()!))
                    : portal.Tokens.AddAllScopes(Auth.TokenStore.NewToken());
            }

            return JsonIO.Json(201, w =>
            {
                w.WriteStartObject();
                w.WriteString("token", grant.Token);
                w.WriteStartArray("scopes");
                foreach (var s in grant.Scopes)
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

        g.MapPost("/reset", (PortalState portal, RateLimiter limiter) =>
        {
            portal.Reset();
            limiter.Clear();
            return JsonIO.NoContent();
        });

        g.MapGet("/rate-limits", (RateLimiter limiter) => RateLimitBody(limiter));
        g.MapPut("/rate-limits", async (HttpContext ctx, RateLimiter limiter) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var tier = doc.RootElement.String("tier");
            if (tier is null || !Enum.TryParse<RateLimitTier>(tier, ignoreCase: true, out var parsed))
            {
                throw ApiError.Validation($"\"tier\" must be one of off, free, starter, professional, enterprise; got \"{tier}\".");
            }

            limiter.Tier = parsed;
            limiter.Clear();
            return RateLimitBody(limiter);
        });

        g.MapPost("/clock/advance", async (HttpContext ctx, PortalState portal) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var ms = doc.RootElement.Field("milliseconds");
            if (ms.ValueKind != JsonValueKind.Number || !ms.TryGetInt64(out var delta) || delta < 0)
            {
                throw ApiError.Validation("\"milliseconds\" must be a non-negative integer.");
            }

            // The clock cannot pass DateTimeOffset's last instant: every timestamp and window would overflow from then on.
            var largest = (long)(EmulatorClock.Latest - portal.Now).TotalMilliseconds;
            if (delta > largest)
            {
                throw ApiError.Validation(
                    $"\"milliseconds\" may be at most {largest} now: the clock stands at {Objects.RecordJson.Time(portal.Now)} and cannot pass {Objects.RecordJson.Time(EmulatorClock.Latest)}.",
                    context: ApiError.Ctx("maxMilliseconds", largest.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            portal.Clock.Advance(TimeSpan.FromMilliseconds(delta));
            return ClockBody(portal.Clock);
        });

        g.MapGet("/clock", (PortalState portal) => ClockBody(portal.Clock));

        // Freezing may move the clock backwards (to replay a given instant); advancing never does.
        g.MapPost("/clock/freeze", async (HttpContext ctx, PortalState portal) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var at = Faults.FaultRuleJson.Instant(doc.RootElement.Field("at")) ?? portal.Now;
            if (at > EmulatorClock.Latest)
            {
                throw ApiError.Validation($"\"at\" may be at most {Objects.RecordJson.Time(EmulatorClock.Latest)}: later instants leave no room for timestamps and windows.",
                    context: ApiError.Ctx("field", "at"));
            }

            portal.Clock.Freeze(at);
            return ClockBody(portal.Clock);
        });

        g.MapPost("/clock/unfreeze", (PortalState portal) =>
        {
            portal.Clock.Unfreeze();
            return ClockBody(portal.Clock);
        });
    }

    private static IResult ClockBody(EmulatorClock clock) => JsonIO.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("now", Objects.RecordJson.Time(clock.GetUtcNow()));
        w.WriteBoolean("frozen", clock.IsFrozen);
        w.WriteEndObject();
    });

    private static IResult RateLimitBody(RateLimiter limiter) => JsonIO.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("tier", limiter.Tier.ToString().ToLowerInvariant());
        if (limiter.Profile is { } p)
        {
            w.WriteNumber("perTenSeconds", p.PerTenSeconds);
            w.WriteNumber("perDay", p.PerDay);
        }

        w.WriteEndObject();
    });
}
