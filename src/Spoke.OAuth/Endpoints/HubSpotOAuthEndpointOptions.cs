using Microsoft.AspNetCore.Http;

namespace Spoke.OAuth;

/// <summary>How <see cref="HubSpotOAuthEndpoints.MapHubSpotOAuth"/> behaves around the install.</summary>
public sealed class HubSpotOAuthEndpointOptions
{
    /// <summary>Where the user lands after a successful install when the install link gave no <c>returnUrl</c> (default <c>/</c>).
    /// <c>portalId</c> is added to the query.</summary>
    public string SuccessPath { get; set; } = "/";

    /// <summary>Where the user lands after choosing Cancel on HubSpot's page (default <c>/</c>); <c>error</c> is added to the query.</summary>
    public string DeniedPath { get; set; } = "/";

    /// <summary>The cookie that carries the install's state and PKCE verifier (encrypted) between the two endpoints.</summary>
    public string CookieName { get; set; } = "spoke.hubspot.oauth";

    /// <summary>How long the user has to finish on HubSpot's page (default 10 minutes).</summary>
    public TimeSpan InstallLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Called after the installation is stored (and before the redirect): record the tenant, start a first sync.</summary>
    public Func<HttpContext, HubSpotInstallation, Task>? OnInstalled { get; set; }
}
