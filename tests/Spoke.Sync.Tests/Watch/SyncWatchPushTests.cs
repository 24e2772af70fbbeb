using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Sync.Verify;
using Spoke.Sync.Watch;
using Spoke.Webhooks.Inbox;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Watch;

/// <summary>Watch and push on a SQLite mirror.</summary>
public sealed class SqliteSyncWatchPushTests() : SyncWatchPushTests(ScratchMirror.Sqlite("sync-watch-push"));

/// <summary>Watch and push on a throwaway PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncWatchPushTests(PostgresServer server) : SyncWatchPushTests(ScratchMirror.Postgres(server, "spoke_watchpush"));

/// <summary>
/// <c>--watch --push</c> as a library: a running <see cref="SyncWatcher"/> with a <see cref="SyncPusher"/> and webhooks
/// on (the emulator's app delivers signed events to a real receiver over a SQLite inbox). Local edits are pushed while it
/// watches, and the events HubSpot sends about our own writes come back without counting as remote changes, conflicts
/// or pushes again. The emulator runs on system time here: the watch loop's own timers are what is under test, and the
/// test waits for observable state (with a bound), never for time to pass.
/// </summary>
public abstract class SyncWatchPushTests(ScratchMirror mirror) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;
    private ISyncStore _store = null!;
    private SqliteWebhookInboxStore _inbox = null!;
    private SyncWebhookReceiver _receiver = null!;

    protected TempInboxDirectory Directory { get; } = new("sync-watch-push");

    protected bool IsPostgres => mirror.IsPostgres;

    protected Task<ISyncStore> OpenStoreAsync() => mirror.OpenAsync();

    protected Task DropStoreAsync() => mirror.DropAsync();

    public async Task InitializeAsync()
    {
        var options = new HubSpotEmulatorOptions { ClientSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) };
        options.Fidelity.WebhookTimeoutMilliseconds = 30_000;
        _emulator = await HubSpotEmulator.StartAsync(options);
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
        _store = await OpenStoreAsync();
        _inbox = new SqliteWebhookInboxStore(Directory.File("inbox.db"));
        _receiver = await SyncWebhookReceiver.StartAsync(new Uri("http://127.0.0.1:0/hubspot/webhooks"), _emulator.ClientSecret, _inbox, _emulator.Clock);
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _receiver.DisposeAsync();
        await _inbox.DisposeAsync();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await DropStoreAsync();
        Directory.Dispose();
    }

    private async Task SetFirstNameAsync(string id, string value)
    {
        await using var connection = await ((SqlSyncStore)_store).OpenForQueriesAsync();
        await connection.ExecuteAsync(IsPostgres
            ? "UPDATE obj_contacts SET properties = jsonb_set(properties, '{firstname}', to_jsonb(@value::text)) WHERE portal_id = @portal AND id = @id"
            : "UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', @value) WHERE portal_id = @portal AND id = @id",
            new { value, portal = _emulator.PortalId, id });
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < Bound, $"not within {Bound.TotalSeconds:0} s: {what}");
            await Task.Delay(20);
        }
    }

    private async Task<bool> InboxDrainedAsync() =>
        _emulator.Webhooks.IsIdle && (await _inbox.CountAsync()).Pending == 0;

    [Fact]
    public async Task Local_edits_are_pushed_while_watching_and_their_webhook_echoes_are_no_remote_change()
    {
        const int N = 12;
        await SyncWebhookApp.SubscribeAsync(_client, _emulator.BaseUri, _emulator.AppId, _emulator.DeveloperApiKey, _receiver.Endpoint, ["contacts"]);
        var ids = (await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 30)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();

        var options = new SyncOptions();
        options.ObjectTypes.Add("contacts");
        var engine = new SyncEngine(_client, _store, options, _emulator.Clock);
        var watcher = new SyncWatcher(engine, _inbox, new SyncWatchOptions
        {
            PollInterval = TimeSpan.FromDays(365), // only webhooks (and our own pushes) bring anything after the backfill
            InboxPollInterval = TimeSpan.FromMilliseconds(50),
            PushPollInterval = TimeSpan.FromMilliseconds(50),
            Pusher = new SyncPusher(_client, _store, new SyncPushOptions { TimeProvider = _emulator.Clock }),
        });
        var reports = new Reports();
        using var stop = new CancellationTokenSource();
        var running = watcher.RunAsync(reports, stop.Token);

        // The backfill, then the creation events of the seed (already mirrored: nothing to write).
        await UntilAsync(() => Task.FromResult(reports.All.Any(r => r.Pass is not null) || running.IsCompleted), "the first pass");
        await UntilAsync(InboxDrainedAsync, "the seed's webhooks applied");
        var before = reports.All.Count;
        var deliveriesBefore = _emulator.Webhooks.Deliveries.Count;

        for (var i = 0; i < N; i++)
        {
            await SetFirstNameAsync(ids[i], $"Edited locally {i}");
        }

        await UntilAsync(async () => (await SyncOutbox.CountAsync(_store, _emulator.PortalId)).Pushed == N, "the edits pushed");
        // The echoes: HubSpot's propertyChange events for our own writes, delivered and applied.
        await UntilAsync(async () => _emulator.Webhooks.Deliveries.Count > deliveriesBefore && await InboxDrainedAsync(), "the echoes delivered and applied");
        await stop.CancelAsync();
        await running;

        Assert.DoesNotContain(reports.All, r => r.Error is not null);
        var after = reports.All.Skip(before).ToList();
        Assert.Equal(N, after.Sum(r => r.Push?.Pushed ?? 0));
        Assert.Equal(0, after.Sum(r => (r.Push?.Rejected ?? 0) + (r.Push?.Retrying ?? 0)));
        var echoes = after.Where(r => r.Batch is not null).Select(r => r.Batch!).ToList();
        Assert.True(echoes.Sum(b => b.Events) >= N, $"{echoes.Sum(b => b.Events)} echo events applied");
        Assert.Equal(0, echoes.Sum(b => b.Records)); // read back equal to the mirror: no remote change
        Assert.True(echoes.Sum(b => b.Unchanged) >= N, $"{echoes.Sum(b => b.Unchanged)} echoes recognised");
        // Nothing pending, nothing pushed twice, nothing rejected.
        Assert.Equal(new SyncOutboxCounts(0, N, 0), await SyncOutbox.CountAsync(_store, _emulator.PortalId));
        for (var i = 0; i < N; i++)
        {
            Assert.Equal($"Edited locally {i}", (await _client.Crm.Contacts.GetAsync(ids[i], new CrmReadOptions { Properties = ["firstname"] })).Properties.GetString("firstname"));
        }

        await MirrorAssert.EqualToPortalAsync(_client, _store, _emulator.PortalId, ["contacts"]);
        var verify = await new SyncVerifier(_client, _store, new SyncVerifyOptions { ObjectTypes = { "contacts" }, SampleSize = 1000, SampleSeed = 1 }).VerifyAsync();
        Assert.False(verify.HasDrift);
    }

    [Fact]
    public async Task A_stop_while_pushing_leaves_every_change_pushed_or_pending_and_the_next_watch_pushes_the_rest()
    {
        var ids = (await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 100)
            .Select(i => new PropertyBag().Set("email", $"s{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        ids.AddRange((await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(100, 100)
            .Select(i => new PropertyBag().Set("email", $"s{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id));
        var options = new SyncOptions();
        options.ObjectTypes.Add("contacts");
        var engine = new SyncEngine(_client, _store, options, _emulator.Clock);
        Assert.True((await engine.RunAsync()).Succeeded);
        for (var i = 0; i < ids.Count; i++)
        {
            await SetFirstNameAsync(ids[i], $"Edited locally {i}");
        }

        // Slow calls, so the stop lands while chunks are in flight.
        _emulator.Faults.Add(new Spoke.Emulator.Faults.FaultRule
        {
            Route = "POST /crm/objects/*/contacts/batch/update",
            Kind = Spoke.Emulator.Faults.FaultKind.Latency,
            Latency = new Spoke.Emulator.Faults.LatencyDistribution { MinMs = 300, MaxMs = 300 },
        });
        SyncWatcher Watcher() => new(engine, null, new SyncWatchOptions
        {
            PollInterval = TimeSpan.FromDays(365),
            PushPollInterval = TimeSpan.FromMilliseconds(50),
            Pusher = new SyncPusher(_client, _store, new SyncPushOptions { TimeProvider = _emulator.Clock }),
        });

        using (var stop = new CancellationTokenSource())
        {
            var reports = new Reports();
            var running = Watcher().RunAsync(reports, stop.Token);
            await UntilAsync(() => Task.FromResult(reports.All.Any(r => r.Pass is not null)), "the first pass");
            await stop.CancelAsync();
            await running; // a stop is not an error
        }

        var counts = await SyncOutbox.CountAsync(_store, _emulator.PortalId);
        Assert.Equal(ids.Count, counts.Pending + counts.Pushed); // each one pushed or still pending, none lost
        Assert.Equal(0, counts.Rejected);

        using (var stop = new CancellationTokenSource())
        {
            var running = Watcher().RunAsync(null, stop.Token);
            await UntilAsync(async () => (await SyncOutbox.CountAsync(_store, _emulator.PortalId)).Pending == 0 || running.IsCompleted, "the rest pushed");
            await stop.CancelAsync();
            await running;
        }

        Assert.Equal(new SyncOutboxCounts(0, ids.Count, 0), await SyncOutbox.CountAsync(_store, _emulator.PortalId));
        // No webhooks here: the next pass brings what HubSpot set itself on the pushed records (hs_lastmodifieddate).
        _ = await engine.RunAsync();
        var portal = await _client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["firstname"] }).ToListAsync();
        var names = portal.ToDictionary(c => c.Id, c => c.Properties.GetString("firstname"));
        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal($"Edited locally {i}", names[ids[i]]);
        }

        await MirrorAssert.EqualToPortalAsync(_client, _store, _emulator.PortalId, ["contacts"]);
    }

    // Reports arrive on the watcher's task; the test reads them from its own.
    private sealed class Reports : IProgress<SyncWatchReport>
    {
        private readonly ConcurrentQueue<SyncWatchReport> _all = new();

        public IReadOnlyList<SyncWatchReport> All => [.. _all];

        public void Report(SyncWatchReport value) => _all.Enqueue(value);
    }
}
