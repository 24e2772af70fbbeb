using Dapper;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Push;

/// <summary>The pusher on a SQLite mirror.</summary>
public sealed class SqliteSyncPusherTests() : SyncPusherTests(ScratchMirror.Sqlite("sync-push"));

/// <summary>The pusher on a throwaway PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncPusherTests(PostgresServer server) : SyncPusherTests(ScratchMirror.Postgres(server, "spoke_push"));

/// <summary>Local changes to a mirror pushed to the in-process emulator, then the mirror compared with the portal; on both databases.</summary>
public abstract class SyncPusherTests(ScratchMirror mirror) : IAsyncLifetime
{
    protected HubSpotEmulator Emulator { get; private set; } = null!;

    protected HubSpotClient Client { get; private set; } = null!;

    protected ISyncStore Store { get; private set; } = null!;

    protected bool IsPostgres => mirror.IsPostgres;

    protected Task<ISyncStore> OpenStoreAsync() => mirror.OpenAsync();

    protected Task DropStoreAsync() => mirror.DropAsync();

    public async Task InitializeAsync()
    {
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)),
        });
        Client = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token });
        Store = await OpenStoreAsync();
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await Emulator.DisposeAsync();
        await DropStoreAsync();
    }

    private SyncEngine Engine()
    {
        var options = new SyncOptions();
        options.ObjectTypes.Add("contacts");
        return new SyncEngine(Client, Store, options, Emulator.Clock);
    }

    private SyncPusher Pusher(HubSpotClient? client = null) => new(client ?? Client, Store, new SyncPushOptions { TimeProvider = Emulator.Clock });

    private async Task<List<string>> SeedAndSyncAsync(int contacts)
    {
        var ids = (await Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, contacts)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        Assert.True((await Engine().RunAsync()).Succeeded);
        return ids;
    }

    private async Task<SyncRunResult> SyncAgainAsync()
    {
        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var run = await Engine().RunAsync();
        Assert.True(run.Succeeded, string.Join("; ", run.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        return run;
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = await ((SqlSyncStore)Store).OpenForQueriesAsync();
        await connection.ExecuteAsync(sql);
    }

    private Task SetAsync(string id, string property, string value) => IsPostgres
        ? SqlAsync($"UPDATE obj_contacts SET properties = jsonb_set(properties, '{{{property}}}', to_jsonb('{value}'::text)) WHERE portal_id = {Emulator.PortalId} AND id = '{id}'")
        : SqlAsync($"UPDATE obj_contacts SET properties = json_set(properties, '$.{property}', '{value}') WHERE portal_id = {Emulator.PortalId} AND id = '{id}'");

    private Task AssertMirrorEqualsPortalAsync() => MirrorAssert.EqualToPortalAsync(Client, Store, Emulator.PortalId, ["contacts"]);

    [Fact]
    public async Task A_local_update_reaches_HubSpot_and_reading_it_back_captures_nothing()
    {
        var ids = await SeedAndSyncAsync(5);
        await SetAsync(ids[1], "firstname", "Renamed locally");
        await SetAsync(ids[1], "lastname", "Added locally");
        await SetAsync(ids[3], "firstname", "Also renamed");

        var push = await Pusher().PushAsync();

        Assert.Equal(new SyncPushResult(Emulator.PortalId, Pushed: 3, Rejected: 0, Retrying: 0), push);
        var one = await Client.Crm.Contacts.GetAsync(ids[1], new CrmReadOptions { Properties = ["firstname", "lastname"] });
        Assert.Equal("Renamed locally", one.Properties.GetString("firstname"));
        Assert.Equal("Added locally", one.Properties.GetString("lastname"));
        Assert.Equal("Also renamed", (await Client.Crm.Contacts.GetAsync(ids[3], new CrmReadOptions { Properties = ["firstname"] })).Properties.GetString("firstname"));
        Assert.All(await SyncOutbox.ListAsync(Store, Emulator.PortalId), c => Assert.Equal(SyncChangeState.Pushed, c.State));

        // The incremental pass reads our own write back: the mirror takes it, and no change is captured from it.
        await SyncAgainAsync();
        Assert.Equal(new SyncOutboxCounts(0, 3, 0), await SyncOutbox.CountAsync(Store, Emulator.PortalId));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        await AssertMirrorEqualsPortalAsync();
    }

    [Fact]
    public async Task The_incremental_pass_after_a_push_counts_the_echoes_unchanged_and_a_remote_edit_as_a_record()
    {
        var ids = await SeedAndSyncAsync(6);
        await SetAsync(ids[0], "firstname", "Pushed 0");
        await SetAsync(ids[1], "firstname", "Pushed 1");
        await SetAsync(ids[2], "lastname", "Pushed 2");
        Assert.Equal(3, (await Pusher().PushAsync()).Pushed);
        await Client.Crm.Contacts.UpdateAsync(ids[5], new PropertyBag().Set("firstname", "Edited in HubSpot"));

        var run = await SyncAgainAsync();
        var contacts = Assert.Single(run.Types);

        // Only the genuine remote edit is a remote change; the three pushes read back are echoes.
        Assert.Equal(1, contacts.Records);
        Assert.True(contacts.Unchanged >= 3, $"unchanged: {contacts.Unchanged}");
        var logged = (await new Spoke.Sync.Status.SyncStatusReader(Store).ReadAsync(Emulator.PortalId, ["contacts"])).Types.Single().LastRun!;
        Assert.Equal((run.RunId, 1L, contacts.Unchanged), (logged.RunId, logged.Counts.Records, logged.Counts.Unchanged));
        // Echoes are still written: the mirror holds HubSpot's values (hs_lastmodifieddate included) exactly.
        await AssertMirrorEqualsPortalAsync();
        Assert.Equal("Edited in HubSpot", (await Store.GetRecordsAsync(Emulator.PortalId, "contacts", [ids[5]])).Single().Properties["firstname"]);
    }

    [Fact]
    public async Task A_local_create_whose_answer_was_lost_is_sent_again_and_makes_exactly_one_record()
    {
        await SeedAndSyncAsync(2);
        await SqlAsync($"""INSERT INTO obj_contacts (portal_id, id, properties) VALUES ({Emulator.PortalId}, 'local-1', '{"{"}"email":"new@example.com","firstname":"Made here"{"}"}'{(IsPostgres ? "::jsonb" : "")})""");
        // HubSpot makes the record, then the answer is lost (5xx after executing), and this client does not retry.
        Emulator.Faults.Add(new FaultRule { Route = "POST */contacts/batch/upsert", Kind = FaultKind.Status, Status = 502, AfterExecute = true, Count = 1 });
        var noRetries = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token, MaxRetries = 0 });

        var first = await Pusher(noRetries).PushAsync();

        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, Retrying: 1), first);
        Assert.Equal(SyncChangeState.Pending, Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId)).State);

        var second = await Pusher(noRetries).PushAsync();

        Assert.Equal(new SyncPushResult(Emulator.PortalId, 1, 0, 0), second);
        var matches = await Client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["email", "firstname"] })
            .Where(c => c.Properties.GetString("email") == "new@example.com").ToListAsync();
        var made = Assert.Single(matches);
        Assert.Equal("Made here", made.Properties.GetString("firstname"));
        var change = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId));
        Assert.Equal((SyncChangeState.Pushed, made.Id), (change.State, change.HubSpotId));
        // The provisional row gave way to the record under HubSpot's id.
        Assert.Empty(await Store.GetRecordsAsync(Emulator.PortalId, "contacts", ["local-1"]));
        Assert.Equal("Made here", Assert.Single(await Store.GetRecordsAsync(Emulator.PortalId, "contacts", [made.Id])).Properties["firstname"]);

        await SyncAgainAsync();
        Assert.Equal(0, (await SyncOutbox.CountAsync(Store, Emulator.PortalId)).Pending);
        await AssertMirrorEqualsPortalAsync();
    }

    [Fact]
    public async Task A_change_HubSpot_refuses_is_kept_rejected_with_its_reason_and_the_rest_are_pushed()
    {
        var ids = await SeedAndSyncAsync(4);
        await SetAsync(ids[0], "firstname", "Fine 0");
        await SetAsync(ids[1], "lifecyclestage", "not-a-stage");
        await SetAsync(ids[2], "firstname", "Fine 2");

        var push = await Pusher().PushAsync();

        Assert.Equal(new SyncPushResult(Emulator.PortalId, Pushed: 2, Rejected: 1, Retrying: 0), push);
        var rejected = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId, SyncChangeState.Rejected));
        Assert.Equal(ids[1], rejected.RecordId);
        Assert.Contains("not-a-stage", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal("Fine 0", (await Client.Crm.Contacts.GetAsync(ids[0], new CrmReadOptions { Properties = ["firstname"] })).Properties.GetString("firstname"));
        Assert.Equal("Fine 2", (await Client.Crm.Contacts.GetAsync(ids[2], new CrmReadOptions { Properties = ["firstname"] })).Properties.GetString("firstname"));

        // Never retried blindly: the next push sends nothing.
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        Assert.Equal(new SyncOutboxCounts(0, 2, 1), await SyncOutbox.CountAsync(Store, Emulator.PortalId));
    }

    [Fact]
    public async Task An_edit_of_a_property_HubSpot_sets_itself_is_refused_when_captured_and_never_sent()
    {
        var ids = await SeedAndSyncAsync(2);
        await SetAsync(ids[0], "hs_object_id", "424242");
        await SetAsync(ids[1], "firstname", "Writable");

        var refused = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId, SyncChangeState.Rejected));
        Assert.Equal(ids[0], refused.RecordId);
        Assert.StartsWith("hs_object_id read-only in HubSpot", refused.Reason, StringComparison.Ordinal);

        Assert.Equal(new SyncPushResult(Emulator.PortalId, 1, 0, 0), await Pusher().PushAsync());
        Assert.Equal(ids[0], (await Client.Crm.Contacts.GetAsync(ids[0], new CrmReadOptions { Properties = ["hs_object_id"] })).Properties.GetString("hs_object_id"));
    }

    [Fact]
    public async Task A_local_delete_archives_the_record_in_HubSpot()
    {
        var ids = await SeedAndSyncAsync(3);
        await SqlAsync($"DELETE FROM obj_contacts WHERE portal_id = {Emulator.PortalId} AND id = '{ids[2]}'");

        var push = await Pusher().PushAsync();

        Assert.Equal(new SyncPushResult(Emulator.PortalId, 1, 0, 0), push);
        var live = await Client.Crm.Contacts.ListAsync(new CrmReadOptions { Properties = ["hs_object_id"] }).Select(c => c.Id).ToListAsync();
        Assert.Equal(ids.Take(2).Order(StringComparer.Ordinal), live.Order(StringComparer.Ordinal));
        await SyncAgainAsync();
        Assert.Equal(new SyncOutboxCounts(0, 1, 0), await SyncOutbox.CountAsync(Store, Emulator.PortalId));
        await AssertMirrorEqualsPortalAsync();
    }

    [Fact]
    public async Task A_sync_run_of_its_own_captures_nothing()
    {
        var ids = await SeedAndSyncAsync(120);
        await Client.Crm.Contacts.UpdateAsync(ids[5], new PropertyBag().Set("firstname", "Changed in HubSpot"));
        await Client.Crm.Contacts.ArchiveAsync(ids[6]);
        await SyncAgainAsync();

        Assert.Equal(new SyncOutboxCounts(0, 0, 0), await SyncOutbox.CountAsync(Store, Emulator.PortalId));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
    }
}
