namespace Spoke.RateLimiting;

/// <summary>
/// How the rate-limit gate paces CRM search, whose answers carry no rate-limit headers to learn a budget from.
/// HubSpot documents search at 5 requests per second per token.
/// </summary>
public enum HubSpotSearchRateLimiting
{
    /// <summary>
    /// The default: <see cref="Documented"/> when <see cref="HubSpotClientOptions.BaseUri"/> is HubSpot's own API host
    /// (<c>hubapi.com</c> or a subdomain of it, or <c>api.hubspot.com</c>), <see cref="Learned"/> against any other server
    /// (a proxy, a test double, the Spoke emulator), which may have no search limit at all.
    /// </summary>
    Auto,

    /// <summary>Searches are paced at HubSpot's documented 5 per second from the first call.</summary>
    Documented,

    /// <summary>
    /// Searches are not paced until the server answers one with a <c>SECONDLY</c> 429; from then on this budget's searches
    /// keep to HubSpot's documented 5 per second. Costs one 429 (retried) per budget and process against a limited server.
    /// </summary>
    Learned,
}

internal static class HubSpotSearchRateLimits
{
    /// <summary>True when searches start paced: <see cref="HubSpotSearchRateLimiting.Auto"/> resolves by the API host.</summary>
    public static bool PacedFromTheStart(this HubSpotSearchRateLimiting mode, Uri baseUri) => mode switch
    {
        HubSpotSearchRateLimiting.Documented => true,
        HubSpotSearchRateLimiting.Learned => false,
        _ => IsHubSpotApiHost(baseUri),
    };

    /// <summary>Exact host checks: <c>api.hubapi.com.example.org</c> is not HubSpot.</summary>
    public static bool IsHubSpotApiHost(Uri baseUri)
    {
        var host = baseUri.IdnHost.TrimEnd('.');
        return host.Equals("hubapi.com", StringComparison.OrdinalIgnoreCase) ||
               host.EndsWith(".hubapi.com", StringComparison.OrdinalIgnoreCase) ||
               host.Equals("api.hubspot.com", StringComparison.OrdinalIgnoreCase);
    }
}
