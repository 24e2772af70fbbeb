using Microsoft.AspNetCore.Http;
using Spoke.Emulator.Errors;

namespace Spoke.Emulator.Auth;

/// <summary>Scope checks, answered with HubSpot's 403 <c>MISSING_SCOPES</c> body (docs/hubspot-api.md §5).</summary>
internal static class Scopes
{
    public const string GrantItem = "spoke.grant";

    /// <summary>Requires that the caller's token holds one of <paramref name="anyOf"/>.</summary>
    public static void Require(HttpContext context, IReadOnlyList<string> anyOf)
    {
        if (context.Items[GrantItem] is not TokenGrant grant || grant.AllScopes || anyOf.Any(grant.Scopes.Contains))
        {
            return;
        }

        throw new ApiError(403, "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.")
        {
            Errors = [new ErrorDetail("One or more of the following scopes are required.", Context:
                new Dictionary<string, IReadOnlyList<string>> { ["requiredGranularScopes"] = anyOf })],
        };
    }

    public static void Require(HttpContext context, string scope) => Require(context, [scope]);

    public static ApiError MissingCredentials() => new(401, "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");

    public static ApiError InvalidToken(bool expired) => new(401, "INVALID_AUTHENTICATION", expired
        ? "The OAuth token used to make this call expired. Refresh the access token and try again."
        : "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
}
