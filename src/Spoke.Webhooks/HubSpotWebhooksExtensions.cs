using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spoke.Webhooks.Dispatch;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Receiver;

namespace Spoke.Webhooks;

/// <summary><c>services.AddHubSpotWebhooks(...)</c> and <c>app.MapHubSpotWebhooks("/hubspot/webhooks")</c>.</summary>
public static class HubSpotWebhooksExtensions
{
    /// <summary>Adds the receiver, the inbox and the dispatcher, with options bound from <paramref name="configuration"/> (e.g. <c>configuration.GetSection("HubSpot:Webhooks")</c>).</summary>
    public static HubSpotWebhooksBuilder AddHubSpotWebhooks(this IServiceCollection services, IConfiguration configuration, Action<HubSpotWebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services);
        services.AddOptions<HubSpotWebhookOptions>().Bind(configuration);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    /// <summary>Adds the receiver, the inbox and the dispatcher, configured in code.</summary>
    public static HubSpotWebhooksBuilder AddHubSpotWebhooks(this IServiceCollection services, Action<HubSpotWebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>Maps <c>POST <paramref name="pattern"/></c> to the receiver.</summary>
    public static IEndpointConventionBuilder MapHubSpotWebhooks(this IEndpointRouteBuilder endpoints, string pattern = "/hubspot/webhooks")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var receiver = endpoints.ServiceProvider.GetRequiredService<WebhookReceiver>();
        return endpoints.MapPost(pattern, (HttpContext context) => receiver.HandleAsync(context));
    }

    private static HubSpotWebhooksBuilder AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(WebhookHandlerRegistry))?.ImplementationInstance as WebhookHandlerRegistry;
        var registry = existing ?? new WebhookHandlerRegistry();
        if (existing is not null)
        {
            return new HubSpotWebhooksBuilder(services, registry);
        }

        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<HubSpotWebhookOptions>().Validate(o => o.AllSecrets().Count > 0,
            "HubSpot webhooks: no client secret configured. Set ClientSecret (or ClientSecrets) to the app's client secret.")
            .Validate(o => o.Inbox != WebhookInboxProvider.Postgres || !string.IsNullOrWhiteSpace(o.PostgresConnectionString),
                "HubSpot webhooks: Inbox is Postgres but PostgresConnectionString is empty.")
            .Validate(o => o.Inbox != WebhookInboxProvider.Sqlite || !string.IsNullOrWhiteSpace(o.SqlitePath),
                "HubSpot webhooks: Inbox is Sqlite but SqlitePath is empty.")
            .Validate(o => o.MaxAttempts >= 1 && o.MaxConcurrency >= 1 && o.MaxBodyBytes > 0 && o.Tolerance > TimeSpan.Zero,
                "HubSpot webhooks: MaxAttempts, MaxConcurrency, MaxBodyBytes and Tolerance must be positive.")
            .Validate(o => (o.MaxBodyBytesInFlight ?? long.MaxValue) >= o.MaxBodyBytes,
                "HubSpot webhooks: MaxBodyBytesInFlight must be at least MaxBodyBytes (or a full-size request could never be read).")
            .Validate(o => o.BodyReadTimeout > TimeSpan.Zero,
                "HubSpot webhooks: BodyReadTimeout must be positive (HubSpot itself waits 5 s for an answer; the default is 10 s).")
            .Validate(o => o.AcceptedSignatureVersions != Signatures.HubSpotSignatureVersions.None && (o.AcceptedSignatureVersions & ~Signatures.HubSpotSignatureVersions.All) == 0,
                "HubSpot webhooks: AcceptedSignatureVersions must name at least one of V1, V2, V3.")
            .ValidateOnStart();
        services.TryAddSingleton<WebhookInboxStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HubSpotWebhookOptions>>().Value;
            return options.Inbox == WebhookInboxProvider.Postgres
                ? new PostgresWebhookInboxStore(options.PostgresConnectionString!, options.PostgresSchema)
                : new SqliteWebhookInboxStore(options.SqlitePath, options.SqliteFullSyncHandlerCommits);
        });
        services.TryAddSingleton(sp => new InboxWriter(sp.GetRequiredService<WebhookInboxStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<HubSpotWebhookOptions>>().Value.MaxRequestsPerCommit, sp.GetRequiredService<ILogger<InboxWriter>>()));
        services.TryAddSingleton(sp => new BodyBudget(sp.GetRequiredService<IOptions<HubSpotWebhookOptions>>().Value.BodyBytesInFlightLimit));
        services.TryAddSingleton<WebhookReceiver>();
        services.TryAddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.TryAddSingleton<HubSpotWebhookInbox>();
        return new HubSpotWebhooksBuilder(services, registry);
    }
}
