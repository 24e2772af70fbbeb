namespace Spoke.RateLimiting;

/// <summary>
/// The HubSpot subscription (or app kind) whose documented budget the rate-limit gate starts from (docs/hubspot-api.md §7). The gate
/// then learns the real budget from HubSpot's <c>X-HubSpot-RateLimit-*</c> headers, so a wrong guess costs little.
/// </summary>
public enum HubSpotRateLimitTier
{
    /// <summary>Private app on a Free portal: 100 requests per 10 s, 250,000 per day.</summary>
    Free,

    /// <summary>Private app on a Starter portal: 100 requests per 10 s, 250,000 per day.</summary>
    Starter,

    /// <summary>Private app on a Professional portal: 190 requests per 10 s, 625,000 per day.</summary>
    Professional,

    /// <summary>Private app on an Enterprise portal: 190 requests per 10 s, 1,000,000 per day.</summary>
    Enterprise,

    /// <summary>Private app with the API limit increase: 250 requests per 10 s.</summary>
    ApiLimitIncrease,

    /// <summary>Public (OAuth) app: 110 requests per 10 s for each installing portal; no daily figure is sent.</summary>
    PublicApp,
}

internal static class HubSpotRateLimitTiers
{
    /// <summary>Requests per rolling 10-second window, as documented for <paramref name="tier"/>.</summary>
    public static int BurstLimit(this HubSpotRateLimitTier tier) => tier switch
    {
        HubSpotRateLimitTier.Professional or HubSpotRateLimitTier.Enterprise => 190,
        HubSpotRateLimitTier.ApiLimitIncrease => 250,
        HubSpotRateLimitTier.PublicApp => 110,
        _ => 100,
    };
}
