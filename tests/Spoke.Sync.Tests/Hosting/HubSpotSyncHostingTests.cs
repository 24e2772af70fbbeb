using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Sync.Hosting;
using Spoke.Sync.Status;
using Spoke.Sync.Store;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Hosting;

/// <summary><c>AddHubSpotSync</c> in a real generic host, on a fake clock, against the in-process emulator.</summary>
public sealed class HubSpotSyncHostingTests : IAsyncLifetime
{
    private readonly TempInboxDirectory _directory = new("sync-host");
    private readonly FakeTimeProvider _time = new(SyncHost.Now);
    private readonly RecordingObserver _observer = new();
    private readonly CapturingLoggerProvider _logs = new();
    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(SyncHost.Now) });
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _directory.Dispose();
    }

    private Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["HubSpotSync:Database"] = "sqlite:" + _directory.File("mirror.db"),
            ["HubSpotSync:ObjectTypes:0"] = "contacts",
            ["HubSpotSync:Interval"] = "00:05:00",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task CreateContactsAsync(int count, string prefix) =>
        (await _client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, count).Select(i => new PropertyBag().Set("email", $"{prefix}{i}@example.com")))).EnsureAllSucceeded();

    [Fact]
    public async Task It_runs_on_start_then_once_each_interval_of_the_apps_clock_and_reports_the_status()
    {
        await CreateContactsAsync(3, "first");
        using var host = SyncHost.Build(_emulator, _time, Settings(("HubSpotSync:TypedColumns:0", "contacts.email:text")), _observer, _logs);
        await host.StartAsync();

        await SyncHost.WaitUntilAsync(() => _observer.Completed.Count == 1, "the run on start finished");
        Assert.Equal(3, _observer.Completed[0].Types.Single(t => t.ObjectType == "contacts").Records);

        await CreateContactsAsync(2, "second");
        _time.Advance(TimeSpan.FromMinutes(4));
        _time.Advance(TimeSpan.FromMinutes(1));
        await SyncHost.WaitUntilAsync(() => _observer.Completed.Count == 2, "the run after one interval finished");
        Assert.Equal(2, _observer.Completed[1].Types.Single(t => t.ObjectType == "contacts").Records);

        var service = host.Services.GetRequiredService<HubSpotSyncService>();
        var status = await service.GetStatusAsync();
        var contacts = Assert.Single(status.Types);
        Assert.Equal(("contacts", SyncTypeState.Incremental, 5L), (contacts.ObjectType, contacts.State, contacts.Records));
        Assert.Equal(_observer.Completed[1].RunId, contacts.LastRun?.RunId);
        Assert.Equal(2, status.RecentRuns.Count);

        await host.StopAsync();
        Assert.Equal(2, _observer.Started);
        Assert.Contains(_logs.Lines, l => l.Contains("Sync of portal", StringComparison.Ordinal) && l.Contains("2 records written", StringComparison.Ordinal));

        // The typed column from configuration is in the mirror.
        await using var store = await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));
        await using var connection = await ((SqlSyncStore)store).OpenForQueriesAsync();
        var emails = await Dapper.SqlMapper.QueryAsync<string>(connection, "SELECT p_email FROM obj_contacts ORDER BY p_email");
        Assert.Equal(["first0@example.com", "first1@example.com", "first2@example.com", "second0@example.com", "second1@example.com"], emails);
    }

    [Fact]
    public async Task Bad_settings_stop_the_app_at_start_naming_each_key_and_what_to_write()
    {
        using var host = SyncHost.Build(_emulator, _time, Settings(
            ("HubSpotSync:Database", "mysql://localhost/spoke"),
            ("HubSpotSync:TypedColumns:0", "deals.amount:number"),
            ("HubSpotSync:TypedColumns:1", "deals.amount"),
            ("HubSpotSync:TypedColumns:2", "deals.amount:money"),
            ("HubSpotSync:Interval", "00:00:00"),
            ("HubSpotSync:Conflicts:0", "contacts=manual"),
            ("HubSpotSync:Conflicts:1", "contacts.email=sideways"),
            ("HubSpotSync:ClientName", "eu")), _observer);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("HubSpotSync:Database: The database kind 'mysql'", error.Message);
        Assert.Contains("use sqlite:PATH", error.Message);
        Assert.DoesNotContain("TypedColumns:0", error.Message);
        Assert.Contains("HubSpotSync:TypedColumns:1: 'deals.amount' is not a typed column: write TYPE.PROPERTY:KIND, e.g. deals.amount:number", error.Message);
        Assert.Contains("HubSpotSync:TypedColumns:2: 'deals.amount:money': the kind 'money' is not one of number, datetime, bool, text", error.Message);
        Assert.Contains("HubSpotSync:Interval is 00:00:00: write a positive time span, e.g. 00:05:00", error.Message);
        Assert.DoesNotContain("Conflicts:0", error.Message);
        Assert.Contains("HubSpotSync:Conflicts:1: 'sideways' is not a conflict policy: use one of last-writer-wins, hubspot-wins, local-wins, prefer-non-empty, manual.", error.Message);
        Assert.Contains("HubSpotSync:ClientName is 'eu', which has no access token: register it with services.AddHubSpotClient(\"eu\") and set HubSpot:eu:AccessToken.", error.Message);
        Assert.Equal(0, _observer.Started);
    }

    [Fact]
    public void Every_engine_setting_binds_from_the_section()
    {
        using var host = SyncHost.Build(_emulator, _time, Settings(
            ("HubSpotSync:ObjectTypes:0", "contacts, deals"),
            ("HubSpotSync:ObjectTypes:1", "2-1234567"),
            ("HubSpotSync:Properties:contacts:0", "email"),
            ("HubSpotSync:Properties:contacts:1", "firstname,lastname"),
            ("HubSpotSync:Associations", "false"),
            ("HubSpotSync:Deletes", "false"),
            ("HubSpotSync:Lookback", "00:10:00"),
            ("HubSpotSync:MaxPropertiesQueryLength", "3000"),
            ("HubSpotSync:ReconcileEvery", "2.00:00:00"),
            ("HubSpotSync:TypedColumns:0", "deals.amount:number"),
            ("HubSpotSync:Conflicts:0", "hubspot-wins"),
            ("HubSpotSync:Conflicts:1", "contacts.email=manual"),
            ("HubSpotSync:RunOnStart", "false")));

        var options = host.Services.GetRequiredService<IOptions<HubSpotSyncOptions>>().Value;
        var engine = options.ToSyncOptions();

        Assert.Equal(["contacts", "deals", "2-1234567"], engine.ObjectTypes);
        Assert.Equal(["email", "firstname", "lastname"], engine.Properties["CONTACTS"]);
        Assert.Equal((false, false, TimeSpan.FromMinutes(10), 3000, TimeSpan.FromDays(2)),
            (engine.Associations, engine.Deletes, engine.Lookback, engine.MaxPropertiesQueryLength, engine.ReconcileEvery));
        Assert.Equal([new SyncTypedColumn("deals", "amount", SyncColumnType.Number)], options.ToStoreOptions(_time).TypedColumns);
        Assert.Equal((false, TimeSpan.FromMinutes(5), true), (options.RunOnStart, options.Interval, options.Scheduled));
        Assert.Equal((Spoke.Sync.Push.SyncConflictPolicy.HubSpotWins, Spoke.Sync.Push.SyncConflictPolicy.Manual, Spoke.Sync.Push.SyncConflictPolicy.HubSpotWins),
            (engine.ConflictPolicies.Default, engine.ConflictPolicies.For("contacts", "email"), engine.ConflictPolicies.For("contacts", "firstname")));
    }

    [Fact]
    public async Task Without_a_HubSpot_client_registered_the_app_does_not_start_and_says_what_to_call()
    {
        using var host = SyncHost.Build(_emulator, _time, Settings(("HubSpotSync:ClientName", "eu")), _observer, registerClient: false);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("HubSpotSync: no HubSpot client is registered: call services.AddHubSpotClient(\"eu\") before AddHubSpotSync.", error.Message);
    }

    [Fact]
    public async Task A_failing_run_is_logged_and_the_next_interval_runs_again()
    {
        await CreateContactsAsync(4, "p");
        _emulator.Faults.Add(new FaultRule { Route = "GET /account-info/*/details", Kind = FaultKind.Status, Status = 503, Count = 1 });
        using var host = SyncHost.Build(_emulator, _time, Settings(), _observer, _logs, maxRetries: 0);
        await host.StartAsync();

        await SyncHost.WaitUntilAsync(() => _observer.Failed.Count == 1, "the first run failed");
        await SyncHost.WaitUntilAsync(() => _logs.Lines.Any(l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("Sync run failed; retrying in 00:05:00", StringComparison.Ordinal)),
            "the failure was logged");
        Assert.Empty(_observer.Completed);

        _time.Advance(TimeSpan.FromMinutes(5));
        await SyncHost.WaitUntilAsync(() => _observer.Completed.Count == 1, "the next run finished");
        Assert.Equal(4, _observer.Completed[0].Types.Single().Records);
        await host.StopAsync();
    }

    [Fact]
    public async Task With_Push_a_run_pushes_the_local_edits_after_syncing_and_observers_and_the_log_hear_it()
    {
        await CreateContactsAsync(5, "p");
        using var host = SyncHost.Build(_emulator, _time, Settings(("HubSpotSync:Scheduled", "false"), ("HubSpotSync:Push", "true")), _observer, _logs);
        await host.StartAsync();
        var service = host.Services.GetRequiredService<HubSpotSyncService>();
        await service.RunAsync();
        Assert.Equal(new Spoke.Sync.Push.SyncPushResult(_emulator.PortalId, 0, 0, 0), Assert.Single(_observer.Events.OfType<Spoke.Sync.Push.SyncPushResult>()));

        string id;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_directory.File("mirror.db")}"))
        {
            id = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT id FROM obj_contacts ORDER BY id LIMIT 1") ?? throw new InvalidOperationException("nothing mirrored");
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE obj_contacts SET properties = json_set(properties, '$.firstname', 'Edited in the app') WHERE id = @id", new { id });
        }

        var result = await service.RunAsync();

        Assert.Equal(new Spoke.Sync.Push.SyncPushResult(_emulator.PortalId, 1, 0, 0), _observer.Events.OfType<Spoke.Sync.Push.SyncPushResult>().Last());
        Assert.Same(result, _observer.Events[^1]); // the push is heard before the run's result
        Assert.Equal("Edited in the app", (await _client.Crm.Contacts.GetAsync(id, new CrmReadOptions { Properties = ["firstname"] })).Properties.GetString("firstname"));
        Assert.Contains(_logs.Lines, l => l.Contains("Pushed 1 local changes to portal", StringComparison.Ordinal));
        await host.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Observers_hear_start_progress_and_result_in_order_and_a_manual_run_needs_no_schedule()
    {
        await CreateContactsAsync(120, "p");
        using var host = SyncHost.Build(_emulator, _time, Settings(("HubSpotSync:Scheduled", "false")), _observer);
        await host.StartAsync();
        var service = host.Services.GetRequiredService<HubSpotSyncService>();
        var subscribed = new RecordingObserver();
        var subscription = service.Subscribe(subscribed);

        var result = await service.RunAsync();

        foreach (var heard in new[] { _observer, subscribed })
        {
            Assert.Equal("started", heard.Events[0]);
            Assert.Same(result, heard.Events[^1]);
            var progress = heard.Progress;
            Assert.Contains(progress, p => p is { ObjectType: "contacts", Phase: "backfill" });
            Assert.Equal(new[] { 100L, 120L }, progress.Where(p => p.Phase == "backfill").Select(p => p.Records).Distinct().Where(r => r > 0));
            Assert.Equal(("contacts", "done", 120L), (progress[^1].ObjectType, progress[^1].Phase, progress[^1].Records));
        }

        subscription.Dispose();
        await service.RunAsync();
        Assert.Equal(2, _observer.Completed.Count);
        Assert.Single(subscribed.Completed);
        await host.StopAsync();
    }

    [Fact]
    public async Task Stopping_the_app_mid_run_cancels_it_cleanly_and_logs_it_as_cancelled()
    {
        await CreateContactsAsync(10, "p");
        // The list call hangs (the emulator holds it for a minute), so the stop lands in the middle of the run.
        _emulator.Faults.Add(new FaultRule { Route = "GET /crm/objects/*/contacts", Kind = FaultKind.Timeout, TimeoutMs = 60_000, Count = 1 });
        using var host = SyncHost.Build(_emulator, _time, Settings(), _observer, _logs);
        await host.StartAsync();
        await SyncHost.WaitUntilAsync(() => _emulator.Faults.List().Any(f => f.Fired > 0), "the run is in the list call");

        using var stopWithin = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(stopWithin.Token);

        Assert.False(stopWithin.IsCancellationRequested);
        Assert.IsAssignableFrom<OperationCanceledException>(Assert.Single(_observer.Failed));
        Assert.Contains(_logs.Lines, l => l.Contains("Sync stopped", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
        await ((IAsyncDisposable)host.Services).DisposeAsync();

        await using var store = await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));
        var run = Assert.Single(await store.GetRecentRunsAsync(_emulator.PortalId, 5));
        Assert.Equal(SyncRunStatus.Cancelled, run.Status);
    }
}
