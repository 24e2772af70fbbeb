using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spoke.RateLimiting;

namespace Spoke.DependencyInjection;

/// <summary>
/// <c>services.AddHubSpotClient()</c>: options bound from the <c>HubSpot</c> configuration section, <see cref="HttpClient"/>s
/// from <c>IHttpClientFactory</c>, and <see cref="HubSpotClient"/> / <see cref="IHubSpotClientFactory"/> to inject.
/// <code>
/// // appsettings.json: { "HubSpot": { "AccessToken": "...", "RateLimitTier": "Professional" } }
/// // or the environment: HubSpot__AccessToken=..., or HUBSPOT_ACCESS_TOKEN=... (default client only)
/// builder.Services.AddHubSpotClient();
/// // several portals: { "HubSpot": { "eu": { ... }, "us": { ... } } }
/// builder.Services.AddHubSpotClient("eu");
/// builder.Services.AddHubSpotClient("us");
/// var eu = factory.CreateClient("eu");
/// </code>
/// </summary>
public static class HubSpotServiceCollectionExtensions
{
    /// <summary>The configuration section the default client binds; a named client binds <c>HubSpot:{name}</c>.</summary>
    public const string SectionName = "HubSpot";

    /// <summary>
    /// The configuration key (an environment variable, with the host's default providers) whose token the default client
    /// uses when the <c>HubSpot</c> section gives no <c>AccessToken</c>: the name HubSpot's own tools and samples use.
    /// </summary>
    public const string AccessTokenVariable = "HUBSPOT_ACCESS_TOKEN";

    /// <summary>The default client: options from the <c>HubSpot</c> section, then <paramref name="configure"/>.</summary>
    /// <returns>The builder of its <see cref="HttpClient"/>, to add handlers of your own.</returns>
    public static IHttpClientBuilder AddHubSpotClient(this IServiceCollection services, Action<HubSpotClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient(sp => sp.GetRequiredService<IHubSpotClientFactory>().CreateClient());
        return AddCore(services, Options.DefaultName, SectionName, configure, AccessTokenVariable);
    }

    /// <summary>A named client (one per portal): options from <c>HubSpot:{name}</c>, then <paramref name="configure"/>.
    /// Get it with <see cref="IHubSpotClientFactory.CreateClient(string)"/>.</summary>
    public static IHttpClientBuilder AddHubSpotClient(this IServiceCollection services, string name, Action<HubSpotClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // No HUBSPOT_ACCESS_TOKEN fallback here: one variable for several portals would hand one portal's token to all.
        return AddCore(services, name, $"{SectionName}:{name}", configure, fallbackTokenKey: null);
    }

    internal static string HttpClientName(string name) => name.Length == 0 ? "Spoke.HubSpot" : "Spoke.HubSpot:" + name;

    private static IHttpClientBuilder AddCore(
        IServiceCollection services, string name, string section, Action<HubSpotClientOptions>? configure, string? fallbackTokenKey)
    {
        var options = services.AddOptions<HubSpotClientOptions>(name)
            .Configure<IServiceProvider>((o, sp) =>
            {
                var configuration = sp.GetService<IConfiguration>();
                configuration?.GetSection(section).Bind(o);
                if (fallbackTokenKey is not null && string.IsNullOrEmpty(o.AccessToken))
                {
                    // Without a registered IConfiguration (a bare ServiceCollection) the process environment is read directly.
                    var token = configuration is null ? Environment.GetEnvironmentVariable(fallbackTokenKey) : configuration[fallbackTokenKey];
                    if (!string.IsNullOrWhiteSpace(token))
                    {
                        o.AccessToken = token.Trim();
                    }
                }
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure<IServiceProvider>((o, sp) =>
        {
            o.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            o.RateLimitState ??= sp.GetRequiredService<HubSpotRateLimitState>();
            if (ReferenceEquals(o.TimeProvider, TimeProvider.System) && sp.GetService<TimeProvider>() is { } time)
            {
                o.TimeProvider = time;
            }
        });
        services.TryAddSingleton<IHubSpotClientFactory, HubSpotClientFactory>();
        // One per container: the clients of one host share budgets and breakers, two hosts in one process do not.
        services.TryAddSingleton<HubSpotRateLimitState>();
        return services.AddHttpClient(HttpClientName(name), http => http.Timeout = Timeout.InfiniteTimeSpan)
            // IHttpClientFactory's own loggers write full URLs (record ids, emails); the client logs path templates instead.
            .RemoveAllLoggers();
    }
}
