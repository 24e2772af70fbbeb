using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spoke.Webhooks.Dispatch;
using Spoke.Webhooks.Events;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Inbox;

/// <summary>The receiver and dispatcher over a real Kestrel, run once per inbox store (SQLite, PostgreSQL).</summary>
public abstract class InboxBehaviourTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000));

    /// <summary>A store over this test's database (each call: a new store object over the same data).</summary>
    protected abstract WebhookInboxStore OpenStore();

    /// <summary>A second store on the same inbox for reading beside the receiver's (SQLite: not the owner).</summary>
    protected virtual WebhookInboxStore OpenReaderStore() => OpenStore();

    protected abstract Task<DbConnection> OpenConnectionAsync(WebhookInboxStore store);

    protected abstract string EffectsTable { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var d in Enumerable.Reverse(_disposables))
        {
            await d.DisposeAsync();
        }
    }

    private async Task<ReceiverHost> StartAsync(Action<HubSpotWebhooksBuilder>? handlers = null, Action<HubSpotWebhookOptions>? configure = null, WebhookInboxStore? store = null)
    {
        store ??= Track(OpenStore());
        var host = await ReceiverHost.StartAsync(store, Time, handlers, configure);
        _disposables.Add(host);
        return host;
    }

    private T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private async Task<InboxCounts> CountFromAnotherConnectionAsync()
    {
        await using var store = OpenReaderStore();
        return await store.CountAsync();
    }

    [Fact]
    public async Task A_bad_or_missing_signature_is_401_and_nothing_is_stored()
    {
        var host = await StartAsync(configure: o => o.RunDispatcher = false);
        var body = Body(Event("contact.creation", 1, Time.GetUtcNow().ToUnixTimeMilliseconds()));

        var wrongSecret = Signed(host.Endpoint, body, "not-the-secret", Time.GetUtcNow());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(wrongSecret)).StatusCode);
        var unsigned = new HttpRequestMessage(HttpMethod.Post, host.Endpoint) { Content = new StringContent(body) };
        var response = await host.Http.SendAsync(unsigned);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("X-HubSpot-Signature", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stale = Signed(host.Endpoint, body, host.Secret, Time.GetUtcNow() - TimeSpan.FromMinutes(6));
        stale.Headers.Remove("X-HubSpot-Signature"); // a v1 signature alone would pass: v3 decides only when present
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(stale)).StatusCode);

        Assert.Equal(default, await CountFromAnotherConnectionAsync());
    }

    [Fact]
    public async Task A_malformed_body_is_400_and_nothing_is_stored()
    {
        var host = await StartAsync(configure: o => o.RunDispatcher = false);
        foreach (var body in new[] { "{\"not\":\"an array\"}", "[{\"eventId\":1}]", "[{", Body(Event("contact.creation", 1, 5)) + "[{" })
        {
            var response = await host.PostAsync(body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.StartsWith("Malformed webhook body", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(default, await CountFromAnotherConnectionAsync());
    }

    [Fact]
    public async Task Events_are_committed_before_the_200()
    {
        var host = await StartAsync(configure: o => o.RunDispatcher = false);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var posts = Enumerable.Range(0, 8).Select(i => host.PostAsync(Body([.. Enumerable.Range(0, 10).Select(j => Event("contact.propertyChange", i, now + j, eventId: j, property: "email", value: $"v{j}"))])));
        foreach (var response in await Task.WhenAll(posts))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(new InboxCounts(80, 0, 0), await CountFromAnotherConnectionAsync());
    }

    [Fact]
    public async Task Duplicates_and_redeliveries_are_absorbed()
    {
        var handled = new ConcurrentBag<string>();
        var host = await StartAsync(h => h.AddEventHandler((e, c, _) => { handled.Add(c.DedupeKey); return Task.CompletedTask; }));
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var events = Enumerable.Range(0, 5).Select(i => Event("deal.propertyChange", 100 + i, now, eventId: 7, property: "amount", value: "10")).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(events))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(events))).StatusCode);
        foreach (var e in events)
        {
            e["attemptNumber"] = 3; // HubSpot's redelivery of the same change
        }

        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body([.. events, .. events]))).StatusCode);
        await Eventually.TrueAsync(async () => (await host.Inbox.CountAsync()).Processed == 5, "five events processed");
        Assert.Equal(new InboxCounts(0, 5, 0), await host.Inbox.CountAsync());
        Assert.Equal(5, handled.Count);
        Assert.Equal(5, handled.Distinct().Count());
    }

    [Fact]
    public async Task Typed_handlers_receive_their_event_types()
    {
        var seen = new ConcurrentQueue<string>();
        var all = new ConcurrentQueue<string>();
        var host = await StartAsync(h =>
        {
            h.Services.AddSingleton(new SeenLog(seen));
            h
            .AddHandler<ContactCreated>((e, _, _) => { seen.Enqueue($"ContactCreated {e.ObjectId}"); return Task.CompletedTask; })
            .AddHandler<DealPropertyChanged>((e, _, _) => { seen.Enqueue($"DealPropertyChanged {e.PropertyName}={e.PropertyValue}"); return Task.CompletedTask; })
            .AddHandler<ObjectCreated>((e, _, _) => { seen.Enqueue($"ObjectCreated {e.ObjectTypeId}"); return Task.CompletedTask; })
            .AddHandler<LineItemDeleted>((e, _, _) => { seen.Enqueue("LineItemDeleted"); return Task.CompletedTask; })
            .AddHandler<PropertyChangeEvent>((e, _, _) => { seen.Enqueue($"PropertyChangeEvent {e.Event.ObjectKind}"); return Task.CompletedTask; })
            .AddHandler<TicketPropertyChanged, RecordingTicketHandler>()
            .AddEventHandler((e, _, _) => { all.Enqueue(e.SubscriptionType); return Task.CompletedTask; });
        });
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(
            Event("contact.creation", 1, now),
            Event("deal.propertyChange", 2, now, property: "amount", value: "99"),
            Event("object.creation", 3, now, objectTypeId: "2-777"),
            Event("line_item.deletion", 4, now),
            Event("ticket.propertyChange", 5, now, property: "subject", value: "s"),
            Event("conversation.newMessage", 6, now)))).StatusCode);
        await Eventually.TrueAsync(() => all.Count == 6, "the generic handler saw all six events");
        await Eventually.TrueAsync(() => seen.Count == 7, "seven typed handler calls");
        Assert.Equal(
            ["ContactCreated 1", "DealPropertyChanged amount=99", "LineItemDeleted", "ObjectCreated 2-777", "PropertyChangeEvent deal", "PropertyChangeEvent ticket", "RecordingTicketHandler subject"],
            seen.Order(StringComparer.Ordinal));
    }

    private sealed record SeenLog(ConcurrentQueue<string> Queue);

    private sealed class RecordingTicketHandler(SeenLog log) : IHubSpotWebhookHandler<TicketPropertyChanged>
    {
        public Task HandleAsync(TicketPropertyChanged webhookEvent, WebhookHandlerContext context, CancellationToken cancellationToken)
        {
            log.Queue.Enqueue($"RecordingTicketHandler {webhookEvent.PropertyName}");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Each_objects_events_run_one_at_a_time_in_occurredAt_order()
    {
        var order = new ConcurrentDictionary<long, ConcurrentQueue<long>>();
        var running = new ConcurrentDictionary<long, int>();
        var overlaps = 0;
        var parallel = 0;
        var maxParallel = 0;
        var host = await StartAsync(h => h.AddEventHandler(async (e, _, _) =>
        {
            if (running.AddOrUpdate(e.ObjectId, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            var now = Interlocked.Increment(ref parallel);
            InterlockedMax(ref maxParallel, now);
            await Task.Delay(2);
            order.GetOrAdd(e.ObjectId, _ => new()).Enqueue(e.OccurredAtMs);
            Interlocked.Decrement(ref parallel);
            running.AddOrUpdate(e.ObjectId, 0, (_, n) => n - 1);
        }), o => o.MaxConcurrency = 4);
        var random = new Random(5);
        var start = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var events = Enumerable.Range(0, 6).SelectMany(o => Enumerable.Range(0, 8).Select(i => Event("company.propertyChange", o, start + (i * 1000), eventId: i, property: "name", value: $"n{i}")))
            .OrderBy(_ => random.Next()).ToArray();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(events))).StatusCode);
        await Eventually.TrueAsync(() => order.Values.Sum(q => q.Count) == 48, "all 48 events handled");
        Assert.Equal(0, overlaps);
        Assert.True(maxParallel <= 4, $"{maxParallel} handlers ran at once");
        foreach (var (objectId, seen) in order)
        {
            Assert.Equal(seen.Order(), seen.ToArray());
            Assert.Equal(8, seen.Count);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Fact]
    public async Task Failed_handlers_are_retried_with_exponential_backoff_on_the_clock()
    {
        var attempts = new ConcurrentQueue<(int Attempt, DateTimeOffset At)>();
        var host = await StartAsync(h => h.AddHandler<ContactPropertyChanged>((e, c, _) =>
        {
            attempts.Enqueue((c.Attempt, Time.GetUtcNow()));
            return c.Attempt < 3 ? throw new TimeoutException("downstream timed out") : Task.CompletedTask;
        }));
        var t0 = Time.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(Event("contact.propertyChange", 9, t0.ToUnixTimeMilliseconds(), property: "email", value: "x")))).StatusCode);
        var store = host.Inbox.Store;
        foreach (var (attempt, delay) in new[] { (2, TimeSpan.FromSeconds(1)), (3, TimeSpan.FromSeconds(2)) })
        {
            DateTimeOffset? due = null;
            await Eventually.TrueAsync(async () => (due = await store.NextRetryDueAsync(Time.GetUtcNow(), default)) is not null, $"retry {attempt} scheduled");
            Assert.Equal(Time.GetUtcNow() + delay, due);
            host.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.Empty(await store.GetReadyAsync(10, Time.GetUtcNow(), default));
            Assert.Equal(attempt - 1, attempts.Count);
            host.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.TrueAsync(() => attempts.Count == attempt, $"attempt {attempt}");
        }

        await Eventually.TrueAsync(async () => (await host.Inbox.CountAsync()).Processed == 1, "processed after the third attempt");
        var list = attempts.ToArray();
        Assert.Equal([1, 2, 3], list.Select(a => a.Attempt));
        Assert.Equal(TimeSpan.FromSeconds(1), list[1].At - list[0].At);
        Assert.Equal(TimeSpan.FromSeconds(2), list[2].At - list[1].At);
    }

    [Fact]
    public async Task Dead_letters_keep_the_reason_and_replay_runs_them_again()
    {
        var fixedUp = false;
        var handled = new ConcurrentQueue<long>();
        var host = await StartAsync(h => h.AddEventHandler((e, c, _) =>
        {
            if (e.EventId == 1 && !Volatile.Read(ref fixedUp))
            {
                throw new InvalidOperationException($"no mapping for object {e.ObjectId}");
            }

            handled.Enqueue(e.ObjectId);
            return Task.CompletedTask;
        }), o => o.MaxAttempts = 2);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(Event("contact.propertyChange", 1, now, property: "phone", value: "do-not-log-me")))).StatusCode);
        await Eventually.TrueAsync(async () => (await host.Inbox.Store.NextRetryDueAsync(Time.GetUtcNow(), default)) is not null, "a retry scheduled");
        host.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(async () => (await host.Inbox.GetDeadLettersAsync()).Count == 1, "a dead letter");
        var letter = Assert.Single(await host.Inbox.GetDeadLettersAsync());
        Assert.Equal("System.InvalidOperationException: no mapping for object 1", letter.Reason);
        Assert.DoesNotContain("do-not-log-me", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(2, letter.Attempts);
        Assert.Equal("contact.propertyChange", letter.SubscriptionType);

        // A dead letter does not hold its object's later events back.
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(Event("contact.propertyChange", 1, now + 5, eventId: 2, property: "phone", value: "2")))).StatusCode);
        await Eventually.TrueAsync(() => handled.Count == 1, "the later event handled");

        Volatile.Write(ref fixedUp, true);
        Assert.Equal(1, await host.Inbox.ReplayAsync([letter.Id]));
        // The handler runs before its processed mark commits: wait for the mark, not for the handler.
        await Eventually.TrueAsync(async () => (await host.Inbox.CountAsync()) == new InboxCounts(0, 2, 0), "the replayed event processed");
        Assert.Equal(2, handled.Count);
        Assert.Equal(0, await host.Inbox.ReplayAllAsync());
    }

    [Fact]
    public async Task A_dead_letter_reason_never_holds_the_value_or_the_event_even_when_the_handler_quotes_them()
    {
        var host = await StartAsync(h => h.AddEventHandler((e, c, _) =>
            throw new InvalidOperationException($"cannot store '{e.PropertyValue}' for {e.SubscriptionType} {e.ObjectId}; event {c.Event.ObjectId}")), o => o.MaxAttempts = 1);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(Event("contact.propertyChange", 7, now, property: "email", value: "jane.doe@example.org")))).StatusCode);
        await Eventually.TrueAsync(async () => (await host.Inbox.GetDeadLettersAsync()).Count == 1, "a dead letter");
        var letter = Assert.Single(await host.Inbox.GetDeadLettersAsync());
        Assert.DoesNotContain("jane.doe@example.org", letter.Reason, StringComparison.Ordinal);
        Assert.Equal("System.InvalidOperationException: cannot store '[redacted]' for contact.propertyChange 7; event 7", letter.Reason);
    }

    [Fact]
    public async Task A_restart_picks_up_events_left_pending_or_in_flight()
    {
        var started = 0;
        var firstStore = OpenStore();
        var first = await ReceiverHost.StartAsync(firstStore, Time, h => h.AddEventHandler(async (_, _, ct) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(Timeout.Infinite, ct); // in flight when the host stops
        }), o => o.MaxConcurrency = 2);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.OK, (await first.PostAsync(Body([.. Enumerable.Range(0, 5).Select(i => Event("ticket.creation", i, now))]))).StatusCode);
        await Eventually.TrueAsync(() => Volatile.Read(ref started) == 2, "two handlers in flight");
        await first.DisposeAsync();
        await firstStore.DisposeAsync();
        Assert.Equal(new InboxCounts(5, 0, 0), await CountFromAnotherConnectionAsync());

        var handled = new ConcurrentBag<long>();
        var second = await StartAsync(h => h.AddEventHandler((e, _, _) => { handled.Add(e.ObjectId); return Task.CompletedTask; }));
        await Eventually.TrueAsync(() => handled.Count == 5, "all five handled after the restart");
        Assert.Equal([0L, 1, 2, 3, 4], handled.Order());
        await Eventually.TrueAsync(async () => (await second.Inbox.CountAsync()).Processed == 5, "all five processed");
    }

    [Fact]
    public async Task Effects_written_in_the_inbox_transaction_happen_exactly_once()
    {
        var store = Track(OpenStore());
        await store.InitializeAsync();
        await using (var connection = await OpenConnectionAsync(store))
        {
            await using var create = connection.CreateCommand();
            create.CommandText = $"CREATE TABLE {EffectsTable} (dedupe_key TEXT NOT NULL)";
            await create.ExecuteNonQueryAsync();
        }

        var host = await StartAsync(h => h.AddEventHandler(async (e, c, ct) =>
        {
            var transaction = await c.GetTransactionAsync(ct);
            await using var insert = c.Connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {EffectsTable} (dedupe_key) VALUES (@key)";
            var key = insert.CreateParameter();
            key.ParameterName = "@key";
            key.Value = c.DedupeKey;
            insert.Parameters.Add(key);
            await insert.ExecuteNonQueryAsync(ct);
            if (c.Attempt == 1)
            {
                throw new InvalidOperationException("fails after writing its effect");
            }
        }), store: store);
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(Body(Event("deal.creation", 1, now), Event("deal.creation", 2, now)))).StatusCode);
        await Eventually.TrueAsync(async () => (await store.NextRetryDueAsync(Time.GetUtcNow(), default)) is not null && (await store.GetReadyAsync(10, Time.GetUtcNow(), default)).Count == 0, "both retries scheduled");
        host.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(async () => (await host.Inbox.CountAsync()).Processed == 2, "both processed");
        await using var read = await OpenConnectionAsync(store);
        await using var count = read.CreateCommand();
        count.CommandText = $"SELECT COUNT(*), COUNT(DISTINCT dedupe_key) FROM {EffectsTable}";
        await using var reader = await count.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2L, Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2L, Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }
}
