using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Telemetry;
using Spoke.Webhooks.Tests.Infrastructure;
using static Spoke.Webhooks.Tests.Infrastructure.WebhookSender;

namespace Spoke.Webhooks.Tests.Telemetry;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry (alone: the meter is process-wide)";
}

[Collection(TelemetryCollection.Name)]
public sealed class WebhookTelemetryTests : IAsyncLifetime
{
    private readonly TempInboxDirectory _directory = new("telemetry");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_meter_counts_received_rejected_duplicates_handled_retried_and_dead_lettered_events()
    {
        var totals = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WebhookTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var reason = instrument.Name.EndsWith("rejected", StringComparison.Ordinal) ? "/" + tags.ToArray().First(t => t.Key == "reason").Value : "";
            totals.AddOrUpdate(instrument.Name + reason, value, (_, v) => v + value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => totals.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1));
        listener.Start();

        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000));
        await using var store = new SqliteWebhookInboxStore(_directory.File("inbox.db"));
        await using var host = await ReceiverHost.StartAsync(store, time,
            h => h.AddEventHandler((e, _, _) => e.ObjectId == 2 ? throw new InvalidOperationException("always") : Task.CompletedTask),
            o => o.MaxAttempts = 2);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var body = Body(Event("contact.creation", 1, now), Event("contact.creation", 2, now));
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.PostAsync(body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(Signed(host.Endpoint, body, "wrong", time.GetUtcNow()))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostAsync("{}")).StatusCode);
        await Eventually.TrueAsync(async () => (await store.NextRetryDueAsync(time.GetUtcNow(), default)) is not null, "a retry scheduled");
        host.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(async () => (await store.GetDeadLettersAsync()).Count == 1, "a dead letter");
        listener.RecordObservableInstruments();

        await Eventually.TrueAsync(() => totals.GetValueOrDefault("spoke.webhooks.events.dead_lettered") == 1, "the dead letter counted");
        // Counted after its commit, on its own worker: nothing orders it before event 2's dead letter.
        await Eventually.TrueAsync(() => totals.GetValueOrDefault("spoke.webhooks.events.handled") == 1, "the handled event counted");
        Assert.Equal(4, totals.GetValueOrDefault("spoke.webhooks.events.received"));
        Assert.Equal(2, totals.GetValueOrDefault("spoke.webhooks.events.duplicates"));
        Assert.Equal(1, totals.GetValueOrDefault("spoke.webhooks.events.retried"));
        Assert.Equal(1, totals.GetValueOrDefault("spoke.webhooks.requests.rejected/Mismatch"));
        Assert.Equal(1, totals.GetValueOrDefault("spoke.webhooks.requests.rejected/malformed_body"));
        Assert.Equal(2, totals.GetValueOrDefault("spoke.webhooks.ack.duration"));
    }
}
