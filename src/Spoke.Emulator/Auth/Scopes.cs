using Spoke.Emulator.Errors;

namespace Spoke.Emulator.Auth;

/// <summary>Scope and credential errors in HubSpot's bodies (docs/hubspot-api.md §5). Handlers check scopes on the
/// request's <see cref="TokenGrant"/>, which they receive as a parameter; <see cref="GrantItem"/> is where the pipeline keeps it.</summary>
internal static class Scopes
{
    public const string GrantItem = "spoke.grant";

    /// <summary>HubSpot's 403 for a token that holds none of <paramref name="anyOf"/> (<see cref="TokenGrant.Require(IReadOnlyList{string})"/>).</summary>
    public static ApiError Missing(IReadOnlyList<string> anyOf) =>
        new(403, "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.")
        {
            Errors = [new ErrorDetail("One or more of the following scopes are required.", Context:
                new Dictionary<string, IReadOnlyList<string>> { ["requiredGranularScopes"] = anyOf })],
        };

    public static ApiError MissingCredentials() => new(401, "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");

    public static ApiError InvalidToken(bool expired) => new(401, "INVALID_AUTHENTICATION", expired
        ? "The OAuth token used to make this call expired. Refresh the access token and try again."
        : "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
}
