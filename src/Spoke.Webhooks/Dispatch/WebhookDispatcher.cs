using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Telemetry;

namespace Spoke.Webhooks.Dispatch;

/// <summary>
/// Runs handlers for stored events: each object's events one at a time in <c>occurredAt</c> order, different objects
/// in parallel (up to <see cref="HubSpotWebhookOptions.MaxConcurrency"/>). A failure is retried with exponential
/// backoff on the <see cref="TimeProvider"/>, then dead-lettered. Nothing is held in memory that the inbox does not
/// also hold: after a crash, whatever had not committed is simply pending again.
/// </summary>
internal sealed class WebhookDispatcher : BackgroundService
{
    private readonly WebhookInboxStore _store;
    private readonly WebhookHandlerRegistry _registry;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly HubSpotWebhookOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<long> _inFlight = [];
    private readonly HashSet<string> _inFlightObjects = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public WebhookDispatcher(WebhookInboxStore store, WebhookHandlerRegistry registry, IServiceScopeFactory scopes, TimeProvider time,
        IOptions<HubSpotWebhookOptions> options, InboxWriter writer, ILogger<WebhookDispatcher> logger)
    {
        _store = store;
        _registry = registry;
        _scopes = scopes;
        _time = time;
        _options = options.Value;
        _logger = logger;
        writer.Committed += Wake;
    }

    /// <summary>Makes the dispatcher look at the inbox now (after an append or a replay).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RunDispatcher)
        {
            return;
        }

        var running = new List<Task>();
        var concurrency = Math.Max(1, _options.MaxConcurrency);
        // Heads found by one look at the inbox, run as slots free up: finding heads is a scan, so it is done once per
        // batch, and each event is re-checked to still be its object's oldest pending event just before it runs.
        var ready = new Queue<InboxEvent>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (ready.Count == 0 && InFlightCount() < concurrency)
                {
                    foreach (var e in await _store.GetReadyAsync(ReadyBatchSize, _time.GetUtcNow(), stoppingToken).ConfigureAwait(false))
                    {
                        ready.Enqueue(e);
                    }
                }

                while (ready.Count > 0 && InFlightCount() < concurrency)
                {
                    var e = ready.Dequeue();
                    lock (_gate)
                    {
                        if (_inFlight.Contains(e.Id) || !_inFlightObjects.Add(e.ObjectKey))
                        {
                            continue; // its object is busy: a later look finds it again
                        }

                        _inFlight.Add(e.Id);
                    }

                    running.Add(Task.Run(() => HandleAsync(e, stoppingToken), CancellationToken.None));
                }

                running.RemoveAll(t => t.IsCompleted);
                if (ready.Count == 0 || InFlightCount() >= concurrency)
                {
                    await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.DispatcherFailed(_logger, e);
                ready.Clear();
                await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private const int ReadyBatchSize = 256;

    private int InFlightCount()
    {
        lock (_gate)
        {
            return _inFlight.Count;
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        var wait = _options.PollInterval;
        var due = await _store.NextRetryDueAsync(_time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
        if (due is { } at)
        {
            var untilDue = at - _time.GetUtcNow();
            wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < wait ? untilDue : wait;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.Reader.WaitToReadAsync(cancel.Token).AsTask();
        var timer = Task.Delay(wait, _time, cancel.Token);
        try
        {
            await Task.WhenAny(woken, timer).ConfigureAwait(false);
        }
        finally
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        stoppingToken.ThrowIfCancellationRequested();
        _wake.Reader.TryRead(out _);
    }

    private async Task HandleAsync(InboxEvent queued, CancellationToken stoppingToken)
    {
        var inboxEvent = queued;
        try
        {
            Exception? failure = null;
            if (await _store.GetIfReadyAsync(queued, _time.GetUtcNow(), stoppingToken).ConfigureAwait(false) is not { } current)
            {
                return; // handled meanwhile, waiting for a retry, or an older event of its object arrived
            }

            inboxEvent = current;
            var attempt = inboxEvent.Attempts + 1;
            using var activity = WebhookTelemetry.ActivitySource.StartActivity("webhook handle", ActivityKind.Consumer);
            activity?.SetTag("hubspot.webhook.type", inboxEvent.SubscriptionType);
            activity?.SetTag("hubspot.webhook.attempt", attempt);

            await using (var unit = await _store.BeginAsync(inboxEvent, stoppingToken).ConfigureAwait(false))
            {
                if (unit is null)
                {
                    return; // another instance holds it, or it completed meanwhile
                }

                try
                {
                    var raw = JsonSerializer.Deserialize(inboxEvent.Json, WebhookJsonContext.Default.HubSpotWebhookEvent)!;
                    await using var scope = _scopes.CreateAsyncScope();
                    var context = new WebhookHandlerContext(unit, raw, attempt, scope.ServiceProvider);
                    await _registry.InvokeAsync(scope.ServiceProvider, raw, context, stoppingToken).ConfigureAwait(false);
                    if (await unit.CompleteAsync(attempt, _time.GetUtcNow(), stoppingToken).ConfigureAwait(false))
                    {
                        WebhookTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("type", inboxEvent.SubscriptionType));
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    failure = e;
                }
            }

            // The unit is rolled back and closed now (on SQLite it held the write lock the failure record needs).
            if (failure is not null)
            {
                await RecordFailureAsync(inboxEvent, attempt, failure, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the event stays pending and runs after the restart.
        }
        catch (Exception e)
        {
            Log.DispatcherFailed(_logger, e);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight.Remove(inboxEvent.Id);
                _inFlightObjects.Remove(inboxEvent.ObjectKey);
            }

            Wake();
        }
    }

    /// <summary>Values this short are left alone: cutting them would mangle ordinary words and numbers in a message.</summary>
    private const int MinRedactedLength = 4;

    /// <summary>
    /// Replaces the event's JSON and its <c>propertyValue</c> (4+ characters; the one field that carries CRM data) in
    /// <paramref name="reason"/>. Type names, ids and property names stay: they are what makes a reason useful.
    /// </summary>
    internal static string RedactEvent(string reason, string eventJson)
    {
        reason = reason.Replace(eventJson, "[event]", StringComparison.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(eventJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("propertyValue", out var value) &&
                value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= MinRedactedLength } text)
            {
                reason = reason.Replace(text, "[redacted]", StringComparison.Ordinal);
            }
        }
        catch (JsonException)
        {
            // Stored events are valid JSON; nothing more to cut if one is not.
        }

        return reason;
    }

    private async Task RecordFailureAsync(InboxEvent inboxEvent, int attempt, Exception failure, CancellationToken cancellationToken)
    {
        // The reason is the exception's type and message only: never the event body. A handler's message may quote
        // the event (or its property value, which may be personal data), so those are cut out of it.
        var reason = RedactEvent($"{failure.GetType().FullName}: {failure.Message}", inboxEvent.Json);
        if (reason.Length > 2000)
        {
            reason = reason[..2000];
        }

        var now = _time.GetUtcNow();
        var tag = new KeyValuePair<string, object?>("type", inboxEvent.SubscriptionType);
        if (attempt >= Math.Max(1, _options.MaxAttempts))
        {
            await _store.RecordFailureAsync(inboxEvent.Id, attempt, reason, null, now, cancellationToken).ConfigureAwait(false);
            WebhookTelemetry.DeadLettered.Add(1, tag);
            Log.DeadLettered(_logger, inboxEvent.Id, inboxEvent.SubscriptionType, attempt, reason);
        }
        else
        {
            var retryAt = now + _options.RetryDelay(attempt);
            await _store.RecordFailureAsync(inboxEvent.Id, attempt, reason, retryAt, now, cancellationToken).ConfigureAwait(false);
            WebhookTelemetry.Retried.Add(1, tag);
            Log.HandlerRetry(_logger, inboxEvent.Id, inboxEvent.SubscriptionType, attempt, retryAt, reason);
        }
    }
}
