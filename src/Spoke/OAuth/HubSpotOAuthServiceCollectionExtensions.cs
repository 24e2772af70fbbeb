using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spoke.DependencyInjection;

namespace Spoke.OAuth;

/// <summary>
/// <c>services.AddHubSpotOAuth()</c>: the app's settings from the <c>HubSpot:OAuth</c> section, a <see cref="HubSpotOAuth"/>,
/// a token store (in memory unless one is registered: <c>Spoke.OAuth</c> has SQLite and PostgreSQL ones), and
/// <see cref="IHubSpotInstallationClientFactory"/> for a client per installed portal.
/// <code>
/// // appsettings.json: { "HubSpot": { "OAuth": { "ClientId": "...", "ClientSecret": "...", "RedirectUri": "https://app.example.com/hubspot/oauth/callback", "Scopes": [ "crm.objects.contacts.read" ] } } }
/// builder.Services.AddHubSpotClient();
/// builder.Services.AddHubSpotOAuth();
/// var client = installations.CreateClient(portalId);
/// </code>
/// </summary>
public static class HubSpotOAuthServiceCollectionExtensions
{
    /// <summary>The configuration section the app's OAuth settings bind from.</summary>
    public const string SectionName = "HubSpot:OAuth";

    internal const string HttpClientName = "Spoke.HubSpot.OAuth";

    /// <summary>Registers the app's OAuth: options from <c>HubSpot:OAuth</c>, then <paramref name="configure"/>.</summary>
    public static IServiceCollection AddHubSpotOAuth(this IServiceCollection services, Action<HubSpotOAuthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HubSpotOAuthOptions>().Configure<IServiceProvider>((o, sp) =>
            sp.GetService<IConfiguration>()?.GetSection(SectionName).Bind(o));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure<IServiceProvider>((o, sp) => o.LoggerFactory ??= sp.GetService<ILoggerFactory>());
        services.AddHttpClient(HttpClientName);
        services.TryAddSingleton(sp => new HubSpotOAuth(sp.GetRequiredService<IOptions<HubSpotOAuthOptions>>().Value,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        services.TryAddSingleton<IHubSpotTokenStore, InMemoryHubSpotTokenStore>();
        services.TryAddSingleton<IHubSpotInstallationClientFactory, HubSpotInstallationClientFactory>();
        return services;
    }
}

/// <summary>Clients for multi-tenant apps: one per installed portal, each with its own refreshing token and rate-limit budget.</summary>
public interface IHubSpotInstallationClientFactory
{
    /// <summary>
    /// A client acting for the app's installation in <paramref name="portalId"/>, built on the <paramref name="name"/>
    /// client registration (<c>AddHubSpotClient</c>). The installation must be in the token store.
    /// </summary>
    HubSpotClient CreateClient(long portalId, string name = "");

    /// <summary>The token provider of the installation in <paramref name="portalId"/> (one per installation, shared by its clients).</summary>
    HubSpotOAuthTokenProvider TokenProvider(long portalId);
}

internal sealed class HubSpotInstallationClientFactory(HubSpotOAuth oauth, IHubSpotTokenStore store, IHubSpotClientFactory clients) : IHubSpotInstallationClientFactory
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, HubSpotOAuthTokenProvider> _providers = new();

    public HubSpotClient CreateClient(long portalId, string name = "") => clients.CreateClient(TokenProvider(portalId), name);

    public HubSpotOAuthTokenProvider TokenProvider(long portalId) =>
        _providers.GetOrAdd(portalId, id => new HubSpotOAuthTokenProvider(oauth, store, new HubSpotInstallationKey(oauth.Options.ClientId, id)));
}
