using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spoke.DependencyInjection;

namespace Spoke.Sync.Hosting;

/// <summary>
/// <c>services.AddHubSpotSync()</c>: the sync engine as a hosted service of the app, with options from the
/// <c>HubSpotSync</c> configuration section, checked when the app starts.
/// <code>
/// builder.Services.AddHubSpotClient();   // the HubSpot section: AccessToken, …
/// builder.Services.AddHubSpotSync();     // the HubSpotSync section: Database, Interval, ObjectTypes, TypedColumns, …
/// builder.Services.AddSingleton&lt;ISyncObserver, MyProgressLogger&gt;();
/// </code>
/// </summary>
public static class HubSpotSyncServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="HubSpotSyncOptions"/> binds.</summary>
    public const string SectionName = "HubSpotSync";

    /// <summary>
    /// Registers <see cref="HubSpotSyncService"/> and the background service that runs it every
    /// <see cref="HubSpotSyncOptions.Interval"/>: options from the <c>HubSpotSync</c> section, then <paramref name="configure"/>.
    /// Bad settings stop the app at start with a message naming the key and what to write. Needs a HubSpot client
    /// registered with <c>AddHubSpotClient</c> (the default one, or the one <see cref="HubSpotSyncOptions.ClientName"/> names).
    /// </summary>
    public static IServiceCollection AddHubSpotSync(this IServiceCollection services, Action<HubSpotSyncOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HubSpotSyncOptions>();
        if (!services.Any(d => d.ServiceType == typeof(HubSpotSyncService)))
        {
            options.Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(SectionName).Bind(o));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubSpotSyncOptions>, HubSpotSyncOptionsValidator>());
            options.ValidateOnStart();
            services.TryAddSingleton(TimeProvider.System);
            services.AddSingleton(sp => new HubSpotSyncService(
                sp.GetRequiredService<IOptions<HubSpotSyncOptions>>(),
                sp.GetService<IHubSpotClientFactory>(),
                sp.GetServices<ISyncObserver>(),
                sp.GetService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()));
            services.AddSingleton<IHostedService>(sp => new HubSpotSyncWorker(
                sp.GetRequiredService<HubSpotSyncService>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<HubSpotSyncWorker>>()));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }
}
