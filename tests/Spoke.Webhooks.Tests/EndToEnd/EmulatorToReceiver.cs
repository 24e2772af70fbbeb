using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Spoke.Emulator;
using Spoke.Emulator.Webhooks;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Webhooks.Tests.EndToEnd;

/// <summary>One handler call: which handler (a typed event class, or <see cref="EmulatorToReceiver.Generic"/>) saw which event.</summary>
internal sealed record HandledEvent(string Handler, HubSpotWebhookEvent Raw, HubSpotObjectEvent? Typed, string DedupeKey);

/// <summary>
/// The in-process emulator delivering to a real receiver (Kestrel on 127.0.0.1, AddHubSpotWebhooks/MapHubSpotWebhooks
/// with the emulator's client secret, a SQLite inbox in a temp directory) whose handlers record what they saw: one
/// typed handler per typed event class, and one generic handler. The emulator is configured only through its public
/// HTTP APIs (settings, subscriptions with the developer key), as a user would.
/// </summary>
internal sealed class EmulatorToReceiver : IAsyncDisposable
{
    public const string Generic = "generic";

    /// <summary>Non-ASCII as UTF-8 (the default escapes would triple large request bodies).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new(System.Text.Json.JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "spoke-e2e-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<HandledEvent> _handled = new();

    private EmulatorToReceiver()
    {
    }

    public HubSpotEmulator Emulator { get; private set; } = null!;

    public ReceiverHost Receiver { get; private set; } = null!;

    /// <summary>Bearer calls to the CRM APIs with the emulator's own (app) token.</summary>
    public HttpClient Crm { get; private set; } = null!;

    /// <summary>No bearer token: the webhooks API authenticates by <c>?hapikey=</c> only.</summary>
    public HttpClient Developer { get; } = new();

    /// <summary>While set, the receiver's front answers this status instead of taking the request (an injected fault).</summary>
    public int? FailWith { get; set; }

    /// <summary>While set, requests wait at the receiver's front until it completes (to let events pile up in the emulator).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public IReadOnlyList<HandledEvent> Handled => [.. _handled];

    public IEnumerable<HandledEvent> HandledBy(string handler) => Handled.Where(h => h.Handler == handler);

    public static async Task<EmulatorToReceiver> StartAsync(Action<HubSpotEmulatorOptions>? configure = null, Action<HubSpotWebhookOptions>? configureReceiver = null)
    {
        var pair = new EmulatorToReceiver();
        Directory.CreateDirectory(pair._directory);
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(Start), ClientSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) };
        // Generous: these tests check what arrives, not HubSpot's 5 s timeout, and a loaded CI machine can be slow.
        options.Fidelity.WebhookTimeoutMilliseconds = 30_000;
        configure?.Invoke(options);
        pair.Emulator = await HubSpotEmulator.StartAsync(options);
        pair.Crm = new HttpClient { BaseAddress = pair.Emulator.BaseUri };
        pair.Crm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pair.Emulator.Token);
        pair.Developer.BaseAddress = pair.Emulator.BaseUri;
        pair.Receiver = await ReceiverHost.StartAsync(
            new SqliteWebhookInboxStore(Path.Combine(pair._directory, "inbox.db")),
            new FakeTimeProvider(Start),
            pair.RegisterHandlers,
            configureReceiver,
            secret: pair.Emulator.ClientSecret,
            before: pair.FrontAsync);
        return pair;
    }

    /// <summary>Settings PUT (target URL = the receiver) and one active subscription per entry, through the webhooks API.</summary>
    public Task SubscribeAsync(int maxConcurrentRequests, params (string EventType, string? PropertyName, string? ObjectTypeId)[] subscriptions) =>
        SubscribeAsync(Receiver.Endpoint.AbsoluteUri, maxConcurrentRequests, subscriptions);

    public async Task SubscribeAsync(string targetUrl, int maxConcurrentRequests, params (string EventType, string? PropertyName, string? ObjectTypeId)[] subscriptions)
    {
        await SendAsync(Developer, HttpMethod.Put, AppPath("/settings"),
            new JsonObject { ["targetUrl"] = targetUrl, ["throttling"] = new JsonObject { ["maxConcurrentRequests"] = maxConcurrentRequests } }, 200);
        foreach (var (eventType, propertyName, objectTypeId) in subscriptions)
        {
            var body = new JsonObject { ["eventType"] = eventType, ["active"] = true };
            if (propertyName is not null)
            {
                body["propertyName"] = propertyName;
            }

            if (objectTypeId is not null)
            {
                body["objectTypeId"] = objectTypeId;
            }

            await SendAsync(Developer, HttpMethod.Post, AppPath("/subscriptions"), body, 201);
        }
    }

    public string AppPath(string suffix) => $"/webhooks/v3/{Emulator.AppId}{suffix}?hapikey={Emulator.DeveloperApiKey}";

    /// <summary>A CRM call with the app's token that must answer <paramref name="expected"/>; returns the body (or null when empty).</summary>
    public Task<JsonNode?> CallAsync(HttpMethod method, string path, object? body, int expected) => SendAsync(Crm, method, path, body, expected);

    public async Task<string> CreateAsync(string type, object properties) =>
        (await CallAsync(HttpMethod.Post, $"/crm/v3/objects/{type}", new { properties }, 201))!["id"]!.GetValue<string>();

    /// <summary>Moves the emulator's clock and the receiver's fake clock together (due webhook retries go out at once).</summary>
    public void Advance(TimeSpan by)
    {
        Receiver.Advance(by);
        Emulator.Clock.Advance(by);
    }

    /// <summary>Waits until the emulator has nothing queued, in flight or due, then until the inbox has nothing pending.</summary>
    public async Task DrainAsync()
    {
        Assert.True(await Emulator.Webhooks.WaitForIdleAsync(TimeSpan.FromSeconds(60)), $"the emulator's delivery queue did not drain: {Emulator.Webhooks.Backlog}");
        await Eventually.TrueAsync(async () => (await Receiver.Inbox.CountAsync()).Pending == 0, "the receiver handled every stored event", TimeSpan.FromSeconds(60));
    }

    /// <summary>Event ids the emulator got a 2xx for.</summary>
    public HashSet<long> AcknowledgedEventIds() =>
        [.. Emulator.Webhooks.Deliveries.Where(d => d.Outcome == "delivered").SelectMany(d => d.EventIds)];

    /// <summary>The generic handler saw each acknowledged event exactly once, and nothing else.</summary>
    public void AssertGenericSawEachAcknowledgedEventOnce()
    {
        var generic = HandledBy(Generic).ToList();
        var doubled = generic.GroupBy(h => h.Raw.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}×{g.Count()}").ToList();
        Assert.True(doubled.Count == 0, "events handled more than once: " + string.Join(", ", doubled));
        var acknowledged = AcknowledgedEventIds();
        var missing = acknowledged.Except(generic.Select(h => h.Raw.EventId)).Order().ToList();
        Assert.True(missing.Count == 0, "acknowledged events never handled: " + string.Join(", ", missing));
        var unexpected = generic.Select(h => h.Raw.EventId).Except(acknowledged).ToList();
        Assert.True(unexpected.Count == 0, "handled events the emulator never had acknowledged: " + string.Join(", ", unexpected));
    }

    public async ValueTask DisposeAsync()
    {
        Hold?.TrySetResult();
        Crm?.Dispose();
        Developer.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task FrontAsync(HttpContext context, RequestDelegate next)
    {
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(context.RequestAborted);
        }

        if (FailWith is { } status)
        {
            context.Response.StatusCode = status;
            return;
        }

        await next(context);
    }

    private void RegisterHandlers(HubSpotWebhooksBuilder webhooks)
    {
        webhooks.AddEventHandler((e, context, _) =>
        {
            _handled.Enqueue(new HandledEvent(Generic, e, null, context.DedupeKey));
            return Task.CompletedTask;
        });
        Typed<ContactCreated>(webhooks); Typed<ContactDeleted>(webhooks); Typed<ContactPropertyChanged>(webhooks); Typed<ContactAssociationChanged>(webhooks);
        Typed<ContactMerged>(webhooks); Typed<ContactRestored>(webhooks); Typed<ContactPrivacyDeleted>(webhooks);
        Typed<CompanyCreated>(webhooks); Typed<CompanyDeleted>(webhooks); Typed<CompanyPropertyChanged>(webhooks); Typed<CompanyAssociationChanged>(webhooks);
        Typed<CompanyMerged>(webhooks); Typed<CompanyRestored>(webhooks);
        Typed<DealCreated>(webhooks); Typed<DealDeleted>(webhooks); Typed<DealPropertyChanged>(webhooks); Typed<DealAssociationChanged>(webhooks);
        Typed<DealMerged>(webhooks); Typed<DealRestored>(webhooks);
        Typed<TicketCreated>(webhooks); Typed<TicketDeleted>(webhooks); Typed<TicketPropertyChanged>(webhooks); Typed<TicketAssociationChanged>(webhooks);
        Typed<TicketMerged>(webhooks); Typed<TicketRestored>(webhooks);
        Typed<ProductCreated>(webhooks); Typed<ProductDeleted>(webhooks); Typed<ProductPropertyChanged>(webhooks); Typed<ProductMerged>(webhooks); Typed<ProductRestored>(webhooks);
        Typed<LineItemCreated>(webhooks); Typed<LineItemDeleted>(webhooks); Typed<LineItemPropertyChanged>(webhooks); Typed<LineItemAssociationChanged>(webhooks);
        Typed<LineItemMerged>(webhooks); Typed<LineItemRestored>(webhooks);
        Typed<ObjectCreated>(webhooks); Typed<ObjectDeleted>(webhooks); Typed<ObjectPropertyChanged>(webhooks); Typed<ObjectAssociationChanged>(webhooks);
        Typed<ObjectMerged>(webhooks); Typed<ObjectRestored>(webhooks);
    }

    private void Typed<TEvent>(HubSpotWebhooksBuilder webhooks)
        where TEvent : HubSpotObjectEvent =>
        webhooks.AddHandler<TEvent>((e, context, _) =>
        {
            _handled.Enqueue(new HandledEvent(typeof(TEvent).Name, e.Event, e, context.DedupeKey));
            return Task.CompletedTask;
        });

    private static async Task<JsonNode?> SendAsync(HttpClient http, HttpMethod method, string path, object? body, int expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is JsonNode node ? new StringContent(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body, body.GetType(), options: Relaxed);
        }
        else if (method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch)
        {
            // The admin API refuses a state-changing call that does not say it is JSON, even without a body.
            request.Content = new ByteArrayContent([]) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") } };
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{method} {path.Split('?')[0]} answered {(int)response.StatusCode}, expected {expected}: {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}

/// <summary>The emulator's delivery log as figures for a failure message.</summary>
internal static class DeliveryLog
{
    public static string Describe(IEnumerable<WebhookDeliveryAttempt> attempts) =>
        string.Join("; ", attempts.Select(a => $"#{a.Sequence} attempt {a.AttemptNumber} {a.Outcome} {a.Status} ({a.EventCount} events{(a.Duplicate ? ", duplicate" : "")}{(a.OutOfOrder ? ", out of order" : "")})"));
}
