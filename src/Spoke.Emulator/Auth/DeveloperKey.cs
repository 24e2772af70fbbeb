using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Portal;

namespace Spoke.Emulator.Auth;

/// <summary>
/// The developer API key (<c>?hapikey=</c>): how app-level APIs (timeline event templates, webhooks settings and
/// subscriptions) authenticate in HubSpot (docs/hubspot-api.md §1). The emulator's key is <see cref="PortalState.DeveloperApiKey"/>.
/// </summary>
internal static class DeveloperKey
{
    public const string Item = "spoke.developerKey";

    /// <summary>Paths that take the developer key instead of a bearer token.</summary>
    public static bool IsDeveloperPath(string path)
    {
        if (path.StartsWith("/webhooks/", StringComparison.Ordinal) || path.StartsWith("/app-webhooks/", StringComparison.Ordinal))
        {
            return true;
        }

        // /integrators/timeline/v3/{appId}/event-templates[/...]
        const string timeline = "/integrators/timeline/v3/";
        if (!path.StartsWith(timeline, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = path.AsSpan(timeline.Length);
        var slash = rest.IndexOf('/');
        return slash > 0 && rest[(slash + 1)..].StartsWith("event-templates", StringComparison.Ordinal);
    }

    /// <summary>
    /// For a developer path called with <c>hapikey</c>: the grant it stands for, or HubSpot's 401 for a wrong key.
    /// Null when the request doesn't use the developer key (bearer authentication applies).
    /// </summary>
    public static TokenGrant? Authenticate(HttpContext ctx, PortalState portal)
    {
        var key = ctx.Request.Query["hapikey"].ToString();
        if (key.Length == 0 || !IsDeveloperPath(ctx.Request.Path.Value ?? ""))
        {
            return null;
        }

        if (!string.Equals(key, portal.DeveloperApiKey, StringComparison.Ordinal))
        {
            throw new ApiError(401, "INVALID_AUTHENTICATION",
                "The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/");
        }

        ctx.Items[Item] = true;
        return new TokenGrant("hapikey:" + portal.AppId, new HashSet<string>(), AllScopes: true);
    }

    /// <summary>Refuses app-level calls that came with a bearer token instead of the developer key.</summary>
    public static void Require(HttpContext ctx)
    {
        if (ctx.Items[Item] is not true)
        {
            throw new ApiError(401, "INVALID_AUTHENTICATION",
                "This endpoint authenticates with your developer API key: pass it as the hapikey query parameter.");
        }
    }
}
