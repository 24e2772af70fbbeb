using Dapper;
using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Faults;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Sync.Verify;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Push;

/// <summary>Edge pushes on a SQLite mirror.</summary>
public sealed class SqliteSyncEdgePushTests() : SyncEdgePushTests(ScratchMirror.Sqlite("sync-edge-push"));

/// <summary>Edge pushes on a throwaway PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncEdgePushTests(PostgresServer server) : SyncEdgePushTests(ScratchMirror.Postgres(server, "spoke_edge_push"));

/// <summary>
/// Association rows added to and removed from the mirror's edge table, pushed to the in-process emulator, then the
/// portal read through the client, the mirror synced again and compared with the portal; on both databases.
/// </summary>
public abstract class SyncEdgePushTests(ScratchMirror mirror) : IAsyncLifetime
{
    private static readonly string[] Types = ["contacts", "companies"];

    protected HubSpotEmulator Emulator { get; private set; } = null!;

    protected HubSpotClient Client { get; private set; } = null!;

    protected ISyncStore Store { get; private set; } = null!;

    protected bool IsPostgres => mirror.IsPostgres;

    protected Task<ISyncStore> OpenStoreAsync() => mirror.OpenAsync();

    protected Task DropStoreAsync() => mirror.DropAsync();

    private List<string> Contacts { get; set; } = [];

    private List<string> Companies { get; set; } = [];

    public async Task InitializeAsync()
    {
        Emulator = await HubSpotEmulator.StartAsync(new HubSpotEmulatorOptions
        {
            Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)),
        });
        Client = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token });
        Store = await OpenStoreAsync();
        Contacts = [.. (await Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, 4)
            .Select(i => new PropertyBag().Set("email", $"c{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id)];
        Companies = [.. (await Client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, 4)
            .Select(i => new PropertyBag().Set("domain", $"k{i}.example.com").Set("name", $"Company {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id)];
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await Emulator.DisposeAsync();
        await DropStoreAsync();
    }

    private async Task SyncAsync(bool full = false)
    {
        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var options = new SyncOptions { Full = full };
        foreach (var type in Types)
        {
            options.ObjectTypes.Add(type);
        }

        var run = await new SyncEngine(Client, Store, options, Emulator.Clock).RunAsync();
        Assert.True(run.Succeeded, string.Join("; ", run.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
    }

    private SyncPusher Pusher(HubSpotClient? client = null) => new(client ?? Client, Store, new SyncPushOptions { TimeProvider = Emulator.Clock });

    private async Task SqlAsync(string sql)
    {
        await using var connection = await ((SqlSyncStore)Store).OpenForQueriesAsync();
        await connection.ExecuteAsync(sql);
    }

    private Task AddEdgeAsync(string contact, string company, int typeId = 279, string category = "HUBSPOT_DEFINED") => SqlAsync(
        $"INSERT INTO sync_associations (portal_id, from_type, from_id, to_type, to_id, type_id, category) VALUES ({Emulator.PortalId}, 'contacts', '{contact}', 'companies', '{company}', {typeId}, '{category}')");

    private Task RemoveEdgeAsync(string contact, string company, int? typeId = null) => SqlAsync(
        $"DELETE FROM sync_associations WHERE portal_id = {Emulator.PortalId} AND from_type = 'contacts' AND from_id = '{contact}' AND to_type = 'companies' AND to_id = '{company}'"
        + (typeId is null ? "" : $" AND type_id = {typeId}"));

    // What the portal links a contact to: "company/typeId/label" each, sorted.
    private async Task<List<string>> PortalEdgesAsync(string contact) =>
        [.. (await Client.Associations.ListAsync("contacts", contact, "companies").ToListAsync())
            .SelectMany(a => a.Types.Select(t => $"{a.ToObjectId}/{t.TypeId}/{t.Label}")).Order(StringComparer.Ordinal)];

    private async Task<List<string>> MirrorEdgesAsync(string contact) =>
        [.. (await Store.GetAssociationsAsync(Emulator.PortalId, "contacts", contact)).Where(e => e.ToType == "companies")
            .Select(e => $"{e.ToId}/{e.TypeId}/{e.Label}").Order(StringComparer.Ordinal)];

    private async Task AssertAgreeAsync()
    {
        await MirrorAssert.EqualToPortalAsync(Client, Store, Emulator.PortalId, Types);
        var verify = await new SyncVerifier(Client, Store, new SyncVerifyOptions { SampleSize = 100, SampleSeed = 1 }).VerifyAsync();
        Assert.False(verify.HasDrift, string.Join("; ", verify.Types.Where(t => t.HasDrift).Select(t => t.ObjectType)));
    }

    private Task<SyncOutboxCounts> EdgeCountsAsync() => SyncEdgeOutbox.CountAsync(Store, Emulator.PortalId);

    [Fact]
    public async Task An_edge_added_locally_reaches_HubSpot_and_a_sync_afterwards_keeps_it()
    {
        await SyncAsync();
        await AddEdgeAsync(Contacts[0], Companies[0]);
        await AddEdgeAsync(Contacts[1], Companies[2]);
        Assert.Equal(new SyncOutboxCounts(2, 0, 0), await EdgeCountsAsync());

        var push = await Pusher().PushAsync();

        Assert.Equal((2, 0, 0, 0), (push.EdgesPushed, push.EdgesRejected, push.EdgesRetrying, push.EdgesWaiting));
        Assert.Equal([$"{Companies[0]}/279/"], await PortalEdgesAsync(Contacts[0]));
        Assert.Equal([$"{Companies[2]}/279/"], await PortalEdgesAsync(Contacts[1]));
        Assert.Equal(new SyncOutboxCounts(0, 2, 0), await EdgeCountsAsync());

        await SyncAsync();
        Assert.Equal([$"{Companies[0]}/279/"], await MirrorEdgesAsync(Contacts[0]));
        Assert.Equal([$"{Companies[2]}/279/"], await MirrorEdgesAsync(Contacts[1]));
        // The sync's own writes of the edges are not captured as local changes.
        Assert.Equal(new SyncOutboxCounts(0, 2, 0), await EdgeCountsAsync());
        Assert.Equal(0, (await Pusher().PushAsync()).EdgesPushed);
        await AssertAgreeAsync();
        // A full sync reads every edge again: the pushed ones are HubSpot's now too.
        await SyncAsync(full: true);
        Assert.Equal([$"{Companies[0]}/279/"], await MirrorEdgesAsync(Contacts[0]));
        Assert.Equal(new SyncOutboxCounts(0, 2, 0), await EdgeCountsAsync());
        await AssertAgreeAsync();
    }

    [Fact]
    public async Task An_edge_removed_locally_is_archived_in_HubSpot_and_one_removed_in_HubSpot_leaves_the_mirror_without_an_echo()
    {
        await Client.Associations.CreateDefaultAsync("contacts", Contacts[0], "companies", Companies[0]);
        await Client.Associations.CreateDefaultAsync("contacts", Contacts[1], "companies", Companies[1]);
        await SyncAsync();
        Assert.Equal([$"{Companies[0]}/279/"], await MirrorEdgesAsync(Contacts[0]));

        await RemoveEdgeAsync(Contacts[0], Companies[0]);
        var push = await Pusher().PushAsync();

        Assert.Equal(1, push.EdgesPushed);
        Assert.Empty(await PortalEdgesAsync(Contacts[0]));
        await SyncAsync();
        Assert.Empty(await MirrorEdgesAsync(Contacts[0])); // not brought back by the sync
        await SyncAsync(full: true);
        Assert.Empty(await MirrorEdgesAsync(Contacts[0])); // nor by a full one

        await Client.Associations.ArchiveAsync("contacts", Contacts[1], "companies", Companies[1]);
        await SyncAsync();
        Assert.Empty(await MirrorEdgesAsync(Contacts[1]));
        Assert.Equal(new SyncOutboxCounts(0, 1, 0), await EdgeCountsAsync());
        await AssertAgreeAsync();
    }

    [Fact]
    public async Task A_removed_label_goes_alone_and_a_new_label_keeps_the_pairs_other_types()
    {
        var boss = (await Client.Associations.CreateLabelAsync("contacts", "companies", new AssociationLabelCreateInput("boss", "Boss")))
            .First(t => t.Category == AssociationCategory.UserDefined);
        var friend = (await Client.Associations.CreateLabelAsync("contacts", "companies", new AssociationLabelCreateInput("friend", "Friend")))
            .First(t => t.Category == AssociationCategory.UserDefined);
        await Client.Associations.CreateAsync("contacts", Contacts[0], "companies", Companies[0], [AssociationTypes.ContactToCompany, boss]);
        await Client.Associations.CreateAsync("contacts", Contacts[1], "companies", Companies[1], [AssociationTypes.ContactToCompany, boss]);
        await SyncAsync();

        await AddEdgeAsync(Contacts[0], Companies[0], friend.TypeId, "USER_DEFINED");
        await RemoveEdgeAsync(Contacts[1], Companies[1], boss.TypeId);
        var push = await Pusher().PushAsync();

        Assert.Equal((2, 0), (push.EdgesPushed, push.EdgesRejected));
        // HubSpot replaces a pair's labels on create: the pair's other types were sent along and stay.
        string[] both = [$"{Companies[0]}/{boss.TypeId}/Boss", $"{Companies[0]}/{friend.TypeId}/Friend", $"{Companies[0]}/279/"];
        Assert.Equal(both, await PortalEdgesAsync(Contacts[0]));
        Assert.Equal([$"{Companies[1]}/279/"], await PortalEdgesAsync(Contacts[1]));
        Assert.Equal(both, await MirrorEdgesAsync(Contacts[0])); // HubSpot's label text
        await SyncAsync();
        await AssertAgreeAsync();
    }

    [Fact]
    public async Task An_update_of_an_edges_type_is_the_old_type_removed_and_the_new_one_added_and_a_label_edit_gets_HubSpots_text_back()
    {
        var labels = await Client.Associations.CreateLabelAsync("contacts", "companies", new AssociationLabelCreateInput("boss", "Boss"));
        var boss = labels.First(t => t.Category == AssociationCategory.UserDefined);
        var friend = (await Client.Associations.CreateLabelAsync("contacts", "companies", new AssociationLabelCreateInput("friend", "Friend")))
            .First(t => t.Category == AssociationCategory.UserDefined);
        await Client.Associations.CreateAsync("contacts", Contacts[0], "companies", Companies[0], [AssociationTypes.ContactToCompany, boss]);
        await Client.Associations.CreateDefaultAsync("contacts", Contacts[1], "companies", Companies[1]);
        await SyncAsync();

        await SqlAsync($"UPDATE sync_associations SET type_id = {friend.TypeId} WHERE portal_id = {Emulator.PortalId} AND from_id = '{Contacts[0]}' AND type_id = {boss.TypeId}");
        await SqlAsync($"UPDATE sync_associations SET label = 'typed by hand' WHERE portal_id = {Emulator.PortalId} AND from_id = '{Contacts[1]}'");
        var captured = await SyncEdgeOutbox.ListAsync(Store, Emulator.PortalId);
        Assert.Equal(
            [(SyncChangeKind.Delete, Contacts[0], boss.TypeId), (SyncChangeKind.Create, Contacts[0], friend.TypeId), (SyncChangeKind.Create, Contacts[1], 279)],
            captured.Select(c => (c.Kind, c.Edge.FromId, c.Edge.TypeId)));

        var push = await Pusher().PushAsync();

        Assert.Equal((3, 0), (push.EdgesPushed, push.EdgesRejected));
        Assert.Equal([$"{Companies[0]}/{friend.TypeId}/Friend", $"{Companies[0]}/279/"], await PortalEdgesAsync(Contacts[0]));
        Assert.Equal([$"{Companies[1]}/279/"], await PortalEdgesAsync(Contacts[1]));
        Assert.Equal([$"{Companies[1]}/279/"], await MirrorEdgesAsync(Contacts[1])); // the label HubSpot has (none), not the hand-typed one
        await SyncAsync();
        await AssertAgreeAsync();
    }

    [Fact]
    public async Task An_edge_to_a_local_create_is_pushed_after_the_create_under_HubSpots_id()
    {
        await SyncAsync();
        await SqlAsync($"""INSERT INTO obj_contacts (portal_id, id, properties) VALUES ({Emulator.PortalId}, 'local-1', '{"{"}"email":"new@example.com","firstname":"Made here"{"}"}'{(IsPostgres ? "::jsonb" : "")})""");
        await AddEdgeAsync("local-1", Companies[3]);

        var push = await Pusher().PushAsync();

        Assert.Equal((1, 1), (push.Pushed, push.EdgesPushed));
        var made = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId)).HubSpotId!;
        Assert.Equal([$"{Companies[3]}/279/"], await PortalEdgesAsync(made));
        // The mirror's edge now starts at the real id; nothing is left under the provisional one.
        Assert.Equal([$"{Companies[3]}/279/"], await MirrorEdgesAsync(made));
        Assert.Empty(await Store.GetAssociationsAsync(Emulator.PortalId, "contacts", "local-1"));
        Assert.Equal("contacts", Assert.Single(await SyncEdgeOutbox.ListAsync(Store, Emulator.PortalId)).Edge.FromType);
        Assert.Equal(made, (await SyncEdgeOutbox.ListAsync(Store, Emulator.PortalId))[0].Edge.FromId);

        await SyncAsync();
        await AssertAgreeAsync();
    }

    [Fact]
    public async Task An_edge_to_a_local_create_HubSpot_refused_is_rejected_saying_why()
    {
        await SyncAsync();
        // No email: a contact create without its unique property is refused, and so is its edge.
        await SqlAsync($"""INSERT INTO obj_contacts (portal_id, id, properties) VALUES ({Emulator.PortalId}, 'local-2', '{"{"}"firstname":"No email"{"}"}'{(IsPostgres ? "::jsonb" : "")})""");
        await AddEdgeAsync("local-2", Companies[0]);
        await AddEdgeAsync(Contacts[2], Companies[0]);

        var push = await Pusher().PushAsync();

        Assert.Equal((1, 1, 1), (push.Rejected, push.EdgesPushed, push.EdgesRejected));
        var rejected = Assert.Single(await SyncEdgeOutbox.ListAsync(Store, Emulator.PortalId, SyncChangeState.Rejected));
        Assert.Equal("local-2", rejected.Edge.FromId);
        Assert.Contains("it links contacts local-2, a local create HubSpot refused", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal([$"{Companies[0]}/279/"], await PortalEdgesAsync(Contacts[2]));
    }

    [Fact]
    public async Task Edges_HubSpot_refuses_are_kept_rejected_with_the_reason_and_the_rest_are_pushed()
    {
        await SyncAsync();
        await AddEdgeAsync(Contacts[0], "99999999");           // no such company
        await AddEdgeAsync(Contacts[1], Companies[1], 987654); // no such association type
        await AddEdgeAsync(Contacts[2], Companies[2]);

        var push = await Pusher().PushAsync();

        Assert.Equal((1, 2, 0), (push.EdgesPushed, push.EdgesRejected, push.EdgesRetrying));
        var rejected = (await SyncEdgeOutbox.ListAsync(Store, Emulator.PortalId, SyncChangeState.Rejected)).ToDictionary(c => c.Edge.FromId);
        Assert.Contains("99999999", rejected[Contacts[0]].Reason, StringComparison.Ordinal);
        Assert.StartsWith("HubSpot refused it (404", rejected[Contacts[0]].Reason, StringComparison.Ordinal);
        Assert.Contains("987654", rejected[Contacts[1]].Reason, StringComparison.Ordinal);
        Assert.StartsWith("HubSpot refused it (400", rejected[Contacts[1]].Reason, StringComparison.Ordinal);
        Assert.Equal([$"{Companies[2]}/279/"], await PortalEdgesAsync(Contacts[2]));
        Assert.Empty(await PortalEdgesAsync(Contacts[1]));
        // The refused edges leave the mirror (it holds what HubSpot has); the outbox keeps them, never sent again.
        Assert.Empty(await MirrorEdgesAsync(Contacts[0]));
        Assert.Empty(await MirrorEdgesAsync(Contacts[1]));
        Assert.Equal(0, (await Pusher().PushAsync()).EdgesPushed + (await EdgeCountsAsync()).Pending);
        Assert.Equal(new SyncOutboxCounts(0, 1, 2), await EdgeCountsAsync());
        await SyncAsync();
        await AssertAgreeAsync();
    }

    [Fact]
    public async Task A_5xx_on_batch_create_leaves_the_edges_pending_and_the_next_push_makes_each_once()
    {
        await SyncAsync();
        for (var i = 0; i < 3; i++)
        {
            await AddEdgeAsync(Contacts[i], Companies[i]);
        }

        // HubSpot makes the links, then the answer is lost; this client does not retry.
        Emulator.Faults.Add(new FaultRule { Route = "POST */associations/*/batch/create", Kind = FaultKind.Status, Status = 502, AfterExecute = true, Count = 1 });
        var noRetries = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token, MaxRetries = 0 });

        var first = await Pusher(noRetries).PushAsync();

        Assert.Equal((0, 0, 3), (first.EdgesPushed, first.EdgesRejected, first.EdgesRetrying));
        Assert.Equal(new SyncOutboxCounts(3, 0, 0), await EdgeCountsAsync());

        var second = await Pusher(noRetries).PushAsync();

        Assert.Equal((3, 0, 0), (second.EdgesPushed, second.EdgesRejected, second.EdgesRetrying));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal([$"{Companies[i]}/279/"], await PortalEdgesAsync(Contacts[i])); // one link, not two
        }

        Assert.Equal(0, (await Pusher().PushAsync()).EdgesPushed);
        await SyncAsync();
        await AssertAgreeAsync();
    }

    [Fact]
    public async Task An_edge_added_and_removed_before_a_push_sends_nothing()
    {
        await SyncAsync();
        await AddEdgeAsync(Contacts[0], Companies[0]);
        await RemoveEdgeAsync(Contacts[0], Companies[0]);
        // Anything sent would fail and stay pending.
        Emulator.Faults.Add(new FaultRule { Route = "POST */associations/*", Kind = FaultKind.Status, Status = 503 });
        var noRetries = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.Token, MaxRetries = 0 });

        var push = await Pusher(noRetries).PushAsync();

        Assert.Equal((2, 0), (push.EdgesPushed, push.EdgesRetrying));
        Assert.Equal(new SyncOutboxCounts(0, 2, 0), await EdgeCountsAsync());
        Assert.Empty(await PortalEdgesAsync(Contacts[0]));
    }

    [Fact]
    public async Task An_app_queues_edges_through_SyncEdgeOutbox_in_its_own_transaction()
    {
        await SyncAsync();
        await using (var connection = await ((SqlSyncStore)Store).OpenForQueriesAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await SyncEdgeOutbox.EnqueueAssociateAsync(transaction, Emulator.PortalId, new SyncAssociation("contacts", Contacts[3], "companies", Companies[3], 279, "HUBSPOT_DEFINED"));
            await transaction.CommitAsync();
            await using var rolledBack = await connection.BeginTransactionAsync();
            await SyncEdgeOutbox.EnqueueAssociateAsync(rolledBack, Emulator.PortalId, new SyncAssociation("contacts", Contacts[2], "companies", Companies[2], 279, "HUBSPOT_DEFINED"));
            await rolledBack.RollbackAsync();
            await using var bad = await connection.BeginTransactionAsync();
            var error = await Assert.ThrowsAsync<ArgumentException>(() =>
                SyncEdgeOutbox.EnqueueAssociateAsync(bad, Emulator.PortalId, new SyncAssociation("contacts", Contacts[2], "companies", Companies[2], 279, "hubspot")));
            Assert.Contains("use HUBSPOT_DEFINED", error.Message, StringComparison.Ordinal);
        }

        var push = await Pusher().PushAsync();

        Assert.Equal(1, push.EdgesPushed);
        Assert.Equal([$"{Companies[3]}/279/"], await PortalEdgesAsync(Contacts[3]));
        Assert.Empty(await PortalEdgesAsync(Contacts[2]));
        Assert.Equal([$"{Companies[3]}/279/"], await MirrorEdgesAsync(Contacts[3]));
        await SyncAsync();
        await AssertAgreeAsync();
    }
}
