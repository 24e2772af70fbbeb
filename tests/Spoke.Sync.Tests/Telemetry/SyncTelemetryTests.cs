using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Telemetry;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Telemetry;

/// <summary>The engine's metrics and spans as an OpenTelemetry exporter would see them (the listeners it uses).</summary>
public sealed class SyncTelemetryTests : IAsyncLifetime
{
    // A portal no other test uses: other tests' runs emit on the same meter at the same time.
    private readonly long _portal = 900_000_000 + Random.Shared.Next(1_000_000);
    private readonly TempInboxDirectory _directory = new("sync-telemetry");
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;
    private ISyncStore _store = null!;

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            PortalId = _portal,
            Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)),
        });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token, MaxRetries = 0 });
        _store = await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _emulator.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_run_counts_records_edges_calls_and_runs_per_type_and_traces_the_run_with_a_span_per_type()
    {
        var companies = (await _client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, 3).Select(i => new PropertyBag().Set("name", $"C{i}")))).EnsureAllSucceeded().Values.ToList();
        var contacts = (await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 7).Select(i => new PropertyBag().Set("email", $"p{i}@example.com")))).EnsureAllSucceeded().Values.ToList();
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contacts.Select((c, i) => new Spoke.Associations.AssociationPair(c.Id, companies[i % 3].Id)))).EnsureAllSucceeded();
        _emulator.Faults.Add(new FaultRule { Route = "GET /crm/objects/*/deals", Kind = FaultKind.Status, Status = 503, Count = 1 });

        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SyncTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        meters.Start();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);

        var options = new SyncOptions { ObjectTypes = { "contacts", "companies", "deals" } };
        var run = await new SyncEngine(_client, _store, options).RunAsync();

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("hubspot.portal_id"), _portal)).ToList();
        long Sum(string instrument, string type) => (long)mine.Where(m => m.Instrument == instrument && (string?)m.Tags.GetValueOrDefault("spoke.sync.object_type") == type).Sum(m => m.Value);
        Assert.Equal(7, Sum("spoke.sync.records", "contacts"));
        Assert.Equal(3, Sum("spoke.sync.records", "companies"));
        Assert.Equal(7, Sum("spoke.sync.associations", "contacts"));
        foreach (var type in run.Types)
        {
            Assert.Equal(type.ApiCalls, Sum("spoke.sync.api_calls", type.ObjectType));
        }

        var runs = Assert.Single(mine, m => m.Instrument == "spoke.sync.runs");
        Assert.Equal((1.0, "failed"), (runs.Value, runs.Tags["spoke.sync.status"]));
        var duration = Assert.Single(mine, m => m.Instrument == "spoke.sync.run.duration");
        Assert.Equal(run.Duration.TotalSeconds, duration.Value, 6);

        var root = Assert.Single(spans, s => s.OperationName == "spoke.sync.run" && Equals(s.GetTagItem("hubspot.portal_id"), _portal));
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        // Types run concurrently, so their spans end in any order: compare them by type.
        var children = spans.Where(s => s.ParentSpanId == root.SpanId).ToDictionary(c => (string?)c.GetTagItem("spoke.sync.object_type") ?? "");
        Assert.Equal(["companies", "contacts", "deals"], children.Keys.Order(StringComparer.Ordinal));
        Assert.All(children.Values, c => Assert.Equal("spoke.sync.object_type", c.OperationName));
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Unset, ActivityStatusCode.Error],
            new[] { "contacts", "companies", "deals" }.Select(t => children[t].Status));
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }
}
