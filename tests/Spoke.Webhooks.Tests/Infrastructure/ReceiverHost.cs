using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Spoke.Webhooks.Dispatch;
using Spoke.Webhooks.Inbox;

namespace Spoke.Webhooks.Tests.Infrastructure;

/// <summary>The receiver on a real Kestrel at 127.0.0.1 on a free port, over a given inbox store and fake clock.</summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ReceiverHost(WebApplication app, Uri endpoint, string secret, FakeTimeProvider time)
    {
        _app = app;
        Endpoint = endpoint;
        Secret = secret;
        Time = time;
    }

    public Uri Endpoint { get; }

    public string Secret { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; } = new();

    public IServiceProvider Services => _app.Services;

    public HubSpotWebhookInbox Inbox => _app.Services.GetRequiredService<HubSpotWebhookInbox>();

    public static async Task<ReceiverHost> StartAsync(WebhookInboxStore store, FakeTimeProvider time, Action<HubSpotWebhooksBuilder>? handlers = null,
        Action<HubSpotWebhookOptions>? configure = null, string? secret = null, Func<Microsoft.AspNetCore.Http.HttpContext, Microsoft.AspNetCore.Http.RequestDelegate, Task>? before = null)
    {
        secret ??= Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(store);
        var webhooks = builder.Services.AddHubSpotWebhooks(o =>
        {
            o.ClientSecret = secret;
            o.RetryBaseDelay = TimeSpan.FromSeconds(1);
            o.PollInterval = TimeSpan.FromMinutes(30); // fake clock: only commits, completions and due retries wake it
            configure?.Invoke(o);
        });
        handlers?.Invoke(webhooks);
        var app = builder.Build();
        if (before is not null)
        {
            app.Use(before); // a fault or a hold in front of the receiver, as a proxy or a sick instance would be
        }

        app.MapHubSpotWebhooks("/hubspot/webhooks");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ReceiverHost(app, new Uri(address.TrimEnd('/') + "/hubspot/webhooks?app=spoke"), secret, time);
    }

    /// <summary>Moves the fake clock and makes the dispatcher look again (a retry that just fell due runs now).</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        _app.Services.GetRequiredService<WebhookDispatcher>().Wake();
    }

    public Task<HttpResponseMessage> PostAsync(string body) => Http.SendAsync(WebhookSender.Signed(Endpoint, body, Secret, Time.GetUtcNow()));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Bounded polling for effects that happen on other threads (never a sleep that waits for time to pass).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => TrueAsync(() => Task.FromResult(condition()), what, timeout);
}
