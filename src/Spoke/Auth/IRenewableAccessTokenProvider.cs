namespace Spoke.Auth;

/// <summary>
/// A token provider that can get a new token when HubSpot refuses one (an OAuth installation). On a 401 the client asks
/// it once, with the token HubSpot refused, and re-sends the request only when the answer is a different token: a 401 is
/// not proof of expiry (docs/hubspot-api.md §9), so the provider checks before it refreshes.
/// </summary>
public interface IRenewableAccessTokenProvider : IAccessTokenProvider
{
    /// <summary>
    /// HubSpot answered 401 to <paramref name="rejectedToken"/>: returns the token to re-send with, which is
    /// <paramref name="rejectedToken"/> itself when it is still good (the 401 then stands).
    /// </summary>
    ValueTask<string> RenewAsync(string rejectedToken, CancellationToken cancellationToken);
}
