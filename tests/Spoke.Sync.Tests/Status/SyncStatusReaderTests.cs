using Dapper;
using Microsoft.Extensions.Time.Testing;
using Spoke.Sync.Push;
using Spoke.Sync.Engine;
using Spoke.Sync.Status;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Status;

/// <summary>What <c>spoke sync status</c> shows, read from a store written as the engine writes it; one suite for both databases.</summary>
public abstract class SyncStatusReaderTests : IAsyncLifetime
{
    private const long Portal = 12345;
    private const long OtherPortal = 67890;
    private static readonly DateTimeOffset BackfillStart = new(2026, 11, 30, 22, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    protected abstract string Database { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    private async Task<ISyncStore> OpenAsync() => await SyncDatabase.Parse(Database).OpenAsync(new SyncStoreOptions { TimeProvider = _time });

    private static async Task CommitPageAsync(ISyncStore store, long portal, string type, int count, string stream, string checkpoint)
    {
        await using var batch = await store.BeginAsync(portal);
        await batch.UpsertAsync(type, [.. Enumerable.Range(1, count).Select(i => new SyncRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), new Dictionary<string, string?> { ["n"] = "v" }))]);
        await batch.SaveCheckpointAsync(type, stream, checkpoint);
        await batch.CommitAsync();
    }

    private async Task<string> LogRunAsync(ISyncStore store, long portal, SyncRunStatus status, params SyncTypeResult[] types)
    {
        var runId = Guid.NewGuid().ToString("N");
        await store.StartRunAsync(portal, runId);
        _time.Advance(TimeSpan.FromMinutes(1));
        var errors = string.Join("; ", types.Where(t => t.Error is not null).Select(t => $"{t.ObjectType}: {t.Error}"));
        await store.FinishRunAsync(runId, status, SyncRunLog.Write(types), errors.Length == 0 ? null : errors);
        _time.Advance(TimeSpan.FromMinutes(1));
        return runId;
    }

    [Fact]
    public async Task Each_type_shows_never_synced_backfilling_with_its_progress_or_incremental_with_its_bookmark()
    {
        await using var store = await OpenAsync();
        await CommitPageAsync(store, Portal, "contacts", 300, "backfill", $$"""{"after":"300","startedAtMs":{{BackfillStart.ToUnixTimeMilliseconds()}},"done":false}""");
        await CommitPageAsync(store, Portal, "companies", 40, "incremental", """{"sinceMs":1764540000000}""");
        await CommitPageAsync(store, OtherPortal, "tickets", 5, "incremental", """{"sinceMs":1764540000000}""");
        var run = await LogRunAsync(store, Portal, SyncRunStatus.Succeeded,
            new SyncTypeResult { ObjectType = "companies", Mode = "incremental", Records = 40, Associations = 7, ApiCalls = 3 });

        var status = await new SyncStatusReader(store).ReadAsync(Portal, ["deals", "contacts"]);

        Assert.Equal(Portal, status.PortalId);
        Assert.Equal(["companies", "contacts", "deals"], status.Types.Select(t => t.ObjectType));
        var companies = status.Types[0];
        Assert.Equal((SyncTypeState.Incremental, 40L, true), (companies.State, companies.Records, companies.BackfillDone));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764540000000), companies.ChangesSince);
        Assert.Equal(run, companies.LastRun?.RunId);
        Assert.Equal(("incremental", 40L, 7L, 3L), (companies.LastRun!.Counts.Mode, companies.LastRun.Counts.Records, companies.LastRun.Counts.Associations, companies.LastRun.Counts.ApiCalls));

        var contacts = status.Types[1];
        Assert.Equal((SyncTypeState.Backfilling, 300L, false), (contacts.State, contacts.Records, contacts.BackfillDone));
        Assert.Equal(BackfillStart, contacts.BackfillStartedAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), contacts.CheckpointUpdatedAt);
        Assert.Null(contacts.LastRun);

        var deals = status.Types[2];
        Assert.Equal((SyncTypeState.NeverSynced, 0L, null), (deals.State, deals.Records, deals.CheckpointUpdatedAt));
        Assert.Equal(run, Assert.Single(status.RecentRuns).RunId);
    }

    [Fact]
    public async Task A_type_the_last_run_failed_shows_the_reason_until_a_run_syncs_it_again()
    {
        await using var store = await OpenAsync();
        await CommitPageAsync(store, Portal, "deals", 10, "incremental", """{"sinceMs":1764540000000}""");
        await LogRunAsync(store, Portal, SyncRunStatus.Failed,
            new SyncTypeResult { ObjectType = "deals", Mode = "incremental", Error = "HubSpot answered 500 three times" },
            new SyncTypeResult { ObjectType = "contacts", SkippedReason = "the token may not read contacts" });

        var failed = await new SyncStatusReader(store).ReadAsync(Portal, ["contacts"]);
        var deals = failed.Types.Single(t => t.ObjectType == "deals");
        Assert.Equal((SyncTypeState.Failed, "HubSpot answered 500 three times", true), (deals.State, deals.FailureReason, deals.BackfillDone));
        var contacts = failed.Types.Single(t => t.ObjectType == "contacts");
        Assert.Equal((SyncTypeState.NeverSynced, "the token may not read contacts"), (contacts.State, contacts.SkippedReason));

        await LogRunAsync(store, Portal, SyncRunStatus.Succeeded, new SyncTypeResult { ObjectType = "deals", Mode = "incremental", Records = 2 });
        var recovered = (await new SyncStatusReader(store).ReadAsync(Portal)).Types.Single(t => t.ObjectType == "deals");
        Assert.Equal((SyncTypeState.Incremental, null, 2L), (recovered.State, recovered.FailureReason, recovered.LastRun?.Counts.Records));
    }

    [Fact]
    public async Task Runs_logged_before_per_type_entries_still_read_and_another_portals_runs_never_show()
    {
        await using var store = await OpenAsync();
        await CommitPageAsync(store, Portal, "contacts", 12, "incremental", """{"sinceMs":1764540000000}""");
        await store.StartRunAsync(Portal, "oldrun00000000000000000000000000");
        await store.FinishRunAsync("oldrun00000000000000000000000000", SyncRunStatus.Succeeded, """{"contacts":12}""", null);
        await LogRunAsync(store, OtherPortal, SyncRunStatus.Failed, new SyncTypeResult { ObjectType = "contacts", Error = "other portal" });

        var status = await new SyncStatusReader(store).ReadAsync(Portal);

        var contacts = Assert.Single(status.Types);
        Assert.Equal((SyncTypeState.Incremental, 12L, "oldrun00000000000000000000000000"), (contacts.State, contacts.LastRun?.Counts.Records, contacts.LastRun?.RunId));
        Assert.Equal("oldrun00000000000000000000000000", Assert.Single(status.RecentRuns).RunId);
    }

    [Fact]
    public async Task Local_changes_waiting_and_refused_are_counted_per_portal()
    {
        await using var store = await OpenAsync();
        await CommitPageAsync(store, Portal, "contacts", 3, "incremental", """{"sinceMs":1764540000000}""");
        Assert.Equal((new SyncOutboxCounts(0, 0, 0), 0L), ((await new SyncStatusReader(store).ReadAsync(Portal)).LocalChanges, (await new SyncStatusReader(store).ReadAsync(Portal)).OpenConflicts));

        await using (var connection = await ((SqlSyncStore)store).OpenForQueriesAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await SyncOutbox.EnqueueUpdateAsync(transaction, Portal, "contacts", "1", new Dictionary<string, string?> { ["n"] = "local" });
            await SyncOutbox.EnqueueUpdateAsync(transaction, Portal, "contacts", "2", new Dictionary<string, string?> { ["n"] = "local" });
            await SyncOutbox.EnqueueUpdateAsync(transaction, OtherPortal, "contacts", "1", new Dictionary<string, string?> { ["n"] = "elsewhere" });
            await SyncEdgeOutbox.EnqueueAssociateAsync(transaction, Portal, new SyncAssociation("contacts", "1", "companies", "9", 279, "HUBSPOT_DEFINED", null));
            await transaction.CommitAsync();
            await connection.ExecuteAsync("UPDATE sync_outbox SET state = 'rejected', reason = 'bad value' WHERE record_id = '2'");
            await connection.ExecuteAsync("""
                INSERT INTO sync_conflicts (portal_id, object_type, record_id, property, policy, outcome, opened_at) VALUES
                    (@Portal, 'contacts', '1', 'n', 'manual', 'open', CURRENT_TIMESTAMP),
                    (@Portal, 'contacts', '3', 'n', 'hubspot-wins', 'hubspot', CURRENT_TIMESTAMP),
                    (@OtherPortal, 'contacts', '1', 'n', 'manual', 'open', CURRENT_TIMESTAMP)
                """, new { Portal, OtherPortal });
        }

        var status = await new SyncStatusReader(store).ReadAsync(Portal);
        Assert.Equal(new SyncOutboxCounts(1, 0, 1), status.LocalChanges);
        Assert.Equal(new SyncOutboxCounts(1, 0, 0), status.LocalEdgeChanges);
        Assert.Equal(1, status.OpenConflicts);
    }
}

public sealed class SqliteSyncStatusReaderTests : SyncStatusReaderTests
{
    private readonly TempInboxDirectory _directory = new("sync-status");

    protected override string Database => "sqlite:" + _directory.File("mirror.db");

    public override Task InitializeAsync() => Task.CompletedTask;

    public override Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncStatusReaderTests(PostgresServer server) : SyncStatusReaderTests
{
    private readonly ScratchPostgresDatabase _database = new(server, "spoke_status");

    protected override string Database => "postgres:" + _database.ConnectionString;

    public override Task InitializeAsync() => _database.CreateAsync();

    public override Task DisposeAsync() => _database.DropAsync();
}
