using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Http;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.OAuth;

/// <summary>
/// The developer account's app settings, under the admin prefix (loopback only): register public apps, uninstall one
/// from a portal (which revokes its tokens, as HubSpot does), and the token switches (lifetime, rotation).
/// </summary>
internal static class OAuthAdminApi
{
    public static void MapOAuthAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/_emulator/oauth");
        g.MapPost("/apps", async (HttpContext ctx, PortalDirectory portals) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx, 64 * 1024).ConfigureAwait(false);
            var body = doc.RootElement;
            var definition = new OAuthAppDefinition
            {
                Name = body.String("name") ?? "Test app",
                ClientId = body.String("clientId"),
                ClientSecret = body.String("clientSecret"),
            };
            Strings(body, "redirectUris", definition.RedirectUris);
            Strings(body, "requiredScopes", definition.RequiredScopes);
            Strings(body, "optionalScopes", definition.OptionalScopes);
            OAuthApp registered;
            var primary = portals.Primary;
            using (primary.Write())
            {
                try
                {
                    registered = primary.OAuth.Register(definition);
                }
                catch (ArgumentException ex)
                {
                    throw ApiError.Validation(ex.Message.Split(" (Parameter", 2)[0]);
                }
            }

            return JsonIO.Json(201, w => WriteApp(w, registered));
        });

        g.MapGet("/apps", (PortalDirectory portals) =>
        {
            using var _ = portals.Primary.Read();
            var apps = portals.Primary.OAuth.Apps.ToList();
            return JsonIO.Results(apps, WriteApp);
        });

        g.MapGet("/scopes", () => JsonIO.Results(ScopeCatalog.All, (w, s) => w.WriteStringValue(s)));

        g.MapGet("/installations", (PortalDirectory portals) =>
        {
            using var _ = portals.Primary.Read();
            var installations = portals.Primary.OAuth.RefreshTokens.Where(r => r.Predecessor is null)
                .GroupBy(r => (r.ClientId, r.PortalId)).Select(g => g.First()).OrderBy(r => r.ClientId, StringComparer.Ordinal).ThenBy(r => r.PortalId).ToList();
            return JsonIO.Results(installations, (w, r) =>
            {
                w.WriteStartObject();
                w.WriteString("clientId", r.ClientId);
                w.WriteNumber("portalId", r.PortalId);
                w.WriteStartArray("scopes");
                foreach (var s in r.Scopes)
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

        g.MapDelete("/apps/{clientId}/installations/{portalId}", (PortalDirectory portals, string clientId, string portalId) =>
        {
            var portal = long.TryParse(portalId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? portals.Find(id) : null;
            if (portal is null)
            {
                throw ApiError.NotFound($"The emulator serves no portal {portalId}.");
            }

            var primary = portals.Primary;
            using (primary.Write())
            {
                if (primary.OAuth.FindApp(clientId) is null)
                {
                    throw ApiError.NotFound($"No OAuth app with client id {clientId} is registered.");
                }

                if (!primary.OAuth.Uninstall(clientId, portal))
                {
                    throw ApiError.NotFound($"The app {clientId} is not installed in portal {id}.");
                }
            }

            return JsonIO.NoContent();
        });

        g.MapGet("/settings", (PortalDirectory portals) => Settings(portals.Primary.OAuth));
        g.MapPut("/settings", async (HttpContext ctx, PortalDirectory portals) =>
        {
            using var doc = await JsonIO.ReadObjectAsync(ctx).ConfigureAwait(false);
            var body = doc.RootElement;
            var server = portals.Primary.OAuth;
            var rotate = body.Field("rotateRefreshTokens");
            if (rotate.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.True or JsonValueKind.False))
            {
                throw ApiError.Validation("\"rotateRefreshTokens\" must be true or false.", context: ApiError.Ctx("field", "rotateRefreshTokens"));
            }

            var lifetime = Seconds(body, "accessTokenLifetimeSeconds");
            var codeLifetime = Seconds(body, "codeLifetimeSeconds");
            using (portals.Primary.Write())
            {
                if (rotate.ValueKind != JsonValueKind.Undefined)
                {
                    server.RotateRefreshTokens = rotate.GetBoolean();
                }

                server.AccessTokenLifetime = lifetime ?? server.AccessTokenLifetime;
                server.CodeLifetime = codeLifetime ?? server.CodeLifetime;
            }

            return Settings(server);
        });
    }

    private static TimeSpan? Seconds(JsonElement body, string name)
    {
        var v = body.Field(name);
        if (v.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var seconds) || seconds is < 1 or > 86_400 * 366)
        {
            throw ApiError.Validation($"\"{name}\" must be a whole number of seconds from 1 to {86_400 * 366}.", context: ApiError.Ctx("field", name));
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static IResult Settings(OAuthServer server) => JsonIO.Json(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("rotateRefreshTokens", server.RotateRefreshTokens);
        w.WriteNumber("accessTokenLifetimeSeconds", (long)server.AccessTokenLifetime.TotalSeconds);
        w.WriteNumber("codeLifetimeSeconds", (long)server.CodeLifetime.TotalSeconds);
        w.WriteEndObject();
    });

    private static void Strings(JsonElement body, string name, IList<string> into)
    {
        var v = body.Field(name);
        if (v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return;
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw ApiError.Validation($"\"{name}\" must be an array of strings.", context: ApiError.Ctx("field", name));
        }

        foreach (var e in v.EnumerateArray())
        {
            into.Add(e.GetString()!);
        }
    }

    private static void WriteApp(Utf8JsonWriter w, OAuthApp app)
    {
        w.WriteStartObject();
        w.WriteNumber("appId", app.AppId);
        w.WriteString("name", app.Name);
        w.WriteString("clientId", app.ClientId);
        w.WriteString("clientSecret", app.ClientSecret);
        foreach (var (name, values) in new[] { ("redirectUris", app.RedirectUris), ("requiredScopes", app.RequiredScopes), ("optionalScopes", app.OptionalScopes) })
        {
            w.WriteStartArray(name);
            foreach (var s in values)
            {
                w.WriteStringValue(s);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
