using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spoke.Webhooks;
using Spoke.Webhooks.Inbox;

namespace Spoke.Sync.Watch;

/// <summary>
/// The webhook receiver a watch runs beside itself: Spoke.Webhooks on Kestrel, verifying HubSpot's v3 signature with the
/// app's client secret and committing each delivery to the given inbox before answering 200. Its dispatcher is
/// off: the <see cref="SyncWatcher"/> reads the inbox itself.
/// </summary>
public sealed class SyncWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SyncWebhookReceiver(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The URL the receiver answers on, path included (port 0 in the listen URL replaced by the one chosen).</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Starts listening on <paramref name="listen"/> (e.g. <c>http://127.0.0.1:0/hubspot/webhooks</c>: host, port and
    /// path; port 0 picks a free one). The secret is used for signatures only, never logged.
    /// </summary>
    public static async Task<SyncWebhookReceiver> StartAsync(Uri listen, string clientSecret, WebhookInboxStore inbox, TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        ArgumentNullException.ThrowIfNull(inbox);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"{listen.Scheme}://{listen.Authority}");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.Services.AddSingleton(timeProvider ?? TimeProvider.System);
        builder.Services.AddSingleton(inbox);
        builder.Services.AddHubSpotWebhooks(o =>
        {
            o.ClientSecret = clientSecret;
            o.RunDispatcher = false;
        });
        var app = builder.Build();
        var path = listen.AbsolutePath is { Length: > 1 } p ? p : "/hubspot/webhooks";
        app.MapHubSpotWebhooks(path);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new SyncWebhookReceiver(app, new UriBuilder(listen) { Port = address.Port, Path = path }.Uri);
    }

    /// <summary>Stops listening (requests in flight finish first, within five seconds).</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The host owns no process signals: whoever runs the watch stops it (a console lifetime would swallow Ctrl+C).</summary>
    private sealed class NoSignalsLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
