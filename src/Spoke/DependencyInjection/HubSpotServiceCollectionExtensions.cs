using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Spoke.DependencyInjection;

/// <summary>
/// <c>services.AddHubSpotClient()</c>: options bound from the <c>HubSpot</c> configuration section, <see cref="HttpClient"/>s
/// from <c>IHttpClientFactory</c>, and <see cref="HubSpotClient"/> / <see cref="IHubSpotClientFactory"/> to inject.
/// <code>
/// // appsettings.json: { "HubSpot": { "AccessToken": "...", "RateLimitTier": "Professional" } }
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

    /// <summary>The default client: options from the <c>HubSpot</c> section, then <paramref name="configure"/>.</summary>
    /// <returns>The builder of its <see cref="HttpClient"/>, to add handlers of your own.</returns>
    public static IHttpClientBuilder AddHubSpotClient(this IServiceCollection services, Action<HubSpotClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient(sp => sp.GetRequiredService<IHubSpotClientFactory>().CreateClient());
        return AddCore(services, Options.DefaultName, SectionName, configure);
    }

    /// <summary>A named client (one per portal): options from <c>HubSpot:{name}</c>, then <paramref name="configure"/>.
    /// Get it with <see cref="IHubSpotClientFactory.CreateClient(string)"/>.</summary>
    public static IHttpClientBuilder AddHubSpotClient(this IServiceCollection services, string name, Action<HubSpotClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return AddCore(services, name, $"{SectionName}:{name}", configure);
    }

    internal static string HttpClientName(string name) => name.Length == 0 ? "Spoke.HubSpot" : "Spoke.HubSpot:" + name;

    private static IHttpClientBuilder AddCore(IServiceCollection services, string name, string section, Action<HubSpotClientOptions>? configure)
    {
        var options = services.AddOptions<HubSpotClientOptions>(name)
            .Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<IConfiguration>() is { } configuration)
                {
                    configuration.GetSection(section).Bind(o);
                }
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure<IServiceProvider>((o, sp) =>
        {
            o.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            if (ReferenceEquals(o.TimeProvider, TimeProvider.System) && sp.GetService<TimeProvider>() is { } time)
            {
                o.TimeProvider = time;
            }
        });
        services.TryAddSingleton<IHubSpotClientFactory, HubSpotClientFactory>();
        return services.AddHttpClient(HttpClientName(name), http => http.Timeout = Timeout.InfiniteTimeSpan)
            // IHttpClientFactory's own loggers write full URLs (record ids, emails); the client logs path templates instead.
            .RemoveAllLoggers();
    }
}
