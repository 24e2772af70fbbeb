using Dapper;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Sync.Verify;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Push;

/// <summary>Conflicts on a SQLite mirror.</summary>
public sealed class SqliteSyncConflictTests() : SyncConflictTests(ScratchMirror.Sqlite("sync-conflicts"));

/// <summary>Conflicts on a throwaway PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncConflictTests(PostgresServer server) : SyncConflictTests(ScratchMirror.Postgres(server, "spoke_conflicts"));

/// <summary>
/// Concurrent edits in the mirror (captured) and in HubSpot (through the emulator's API), then sync and push: who wins
/// on both sides per policy, what is recorded, deletes both ways; each ending with the verifier finding no drift.
/// The emulator's clock starts an hour before the wall clock the databases stamp captures with, so a HubSpot edit is
/// older than a local one unless the clock is moved past it (never slept for).
/// </summary>
public abstract class SyncConflictTests(ScratchMirror mirror) : IAsyncLifetime
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
            Clock = EmulatorClock.FrozenAt(DateTimeOffset.UtcNow.AddHours(-1)),
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

    private SyncEngine Engine(SyncConflictPolicies? policies)
    {
        var options = new SyncOptions { ConflictPolicies = policies ?? new SyncConflictPolicies() };
        options.ObjectTypes.Add("contacts");
        return new SyncEngine(Client, Store, options, Emulator.Clock);
    }

    private static SyncConflictPolicies Policy(string entry)
    {
        var policies = new SyncConflictPolicies();
        policies.Add(entry);
        return policies;
    }

    private SyncPusher Pusher() => new(Client, Store, new SyncPushOptions { TimeProvider = Emulator.Clock });

    private async Task<string> SeedAsync(SyncConflictPolicies? policies = null)
    {
        var made = await Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "ada@example.com").Set("firstname", "Ada").Set("lastname", "Lovelace"));
        await SyncAsync(policies);
        return made.Id;
    }

    private async Task SyncAsync(SyncConflictPolicies? policies = null)
    {
        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        var run = await Engine(policies).RunAsync();
        Assert.True(run.Succeeded, string.Join("; ", run.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = await ((SqlSyncStore)Store).OpenForQueriesAsync();
        await connection.ExecuteAsync(sql);
    }

    private Task SetLocalAsync(string id, string property, string value) => IsPostgres
        ? SqlAsync($"UPDATE obj_contacts SET properties = jsonb_set(properties, '{{{property}}}', to_jsonb('{value}'::text)) WHERE portal_id = {Emulator.PortalId} AND id = '{id}'")
        : SqlAsync($"UPDATE obj_contacts SET properties = json_set(properties, '$.{property}', '{value}') WHERE portal_id = {Emulator.PortalId} AND id = '{id}'");

    private Task SetRemoteAsync(string id, string property, string value) => Client.Crm.Contacts.UpdateAsync(id, new PropertyBag().Set(property, value));

    private async Task<string?> LocalAsync(string id, string property) =>
        Assert.Single(await Store.GetRecordsAsync(Emulator.PortalId, "contacts", [id])).Properties.GetValueOrDefault(property);

    private async Task<string?> RemoteAsync(string id, string property) =>
        (await Client.Crm.Contacts.GetAsync(id, new CrmReadOptions { Properties = [property] })).Properties.GetString(property);

    private async Task AssertAgreementAsync()
    {
        var options = new SyncVerifyOptions();
        options.ObjectTypes.Add("contacts");
        var result = await new SyncVerifier(Client, Store, options).VerifyAsync();
        Assert.False(result.HasDrift, string.Join("; ", result.Types.Where(t => t.HasDrift).Select(t => t.ObjectType)));
        await MirrorAssert.EqualToPortalAsync(Client, Store, Emulator.PortalId, ["contacts"]);
    }

    private async Task AssertBothAsync(string id, string property, string? expected)
    {
        Assert.Equal(expected ?? "", await LocalAsync(id, property) ?? "");
        Assert.Equal(expected ?? "", await RemoteAsync(id, property) ?? "");
    }

    private Task<IReadOnlyList<SyncConflict>> AllConflictsAsync() => SyncConflicts.ListAsync(Store, Emulator.PortalId, includeDecided: true);

    // local first, then HubSpot an hour later (HubSpot is the later writer)
    private async Task EditLocalThenRemoteLaterAsync(string id, string property, string local, string remote)
    {
        await SetLocalAsync(id, property, local);
        Emulator.Clock.Advance(TimeSpan.FromHours(2));
        await SetRemoteAsync(id, property, remote);
    }

    [Theory]
    [InlineData("hubspot-wins", "HubSpot")]
    [InlineData("local-wins", "Local")]
    [InlineData("contacts=hubspot-wins", "HubSpot")]
    [InlineData("contacts.firstname=local-wins", "Local")]
    [InlineData("prefer-non-empty", "HubSpot")]
    [InlineData("last-writer-wins", "HubSpot")]
    public async Task The_same_property_changed_on_both_sides_ends_with_the_policys_winner_on_both_sides_and_is_recorded(string entry, string winner)
    {
        var policies = Policy(entry);
        var id = await SeedAsync(policies);
        await EditLocalThenRemoteLaterAsync(id, "firstname", "Local", "HubSpot");

        await SyncAsync(policies);
        Assert.Equal(winner, await LocalAsync(id, "firstname"));
        await Pusher().PushAsync();
        await SyncAsync(policies);

        await AssertBothAsync(id, "firstname", winner);
        var conflict = Assert.Single(await AllConflictsAsync());
        Assert.Equal((id, "firstname", "Ada", "Local", "HubSpot"), (conflict.RecordId, conflict.Property, conflict.BaseValue, conflict.LocalValue, conflict.RemoteValue));
        Assert.Equal(winner == "Local" ? SyncConflictOutcome.LocalWon : SyncConflictOutcome.HubSpotWon, conflict.Outcome);
        Assert.NotNull(conflict.ResolvedAt);
        Assert.Equal(0, (await SyncOutbox.CountAsync(Store, Emulator.PortalId)).Pending);
        await AssertAgreementAsync();
    }

    [Theory]
    [InlineData(SyncConflictTimeSource.PropertyHistory)]
    [InlineData(SyncConflictTimeSource.UpdatedAt)]
    public async Task Last_writer_wins_keeps_the_local_edit_made_after_HubSpots(SyncConflictTimeSource source)
    {
        var policies = new SyncConflictPolicies { RemoteTime = source };
        var id = await SeedAsync(policies);
        // HubSpot first (its clock is an hour behind the wall clock the capture is stamped with), then the mirror.
        await SetRemoteAsync(id, "firstname", "HubSpot");
        await SetLocalAsync(id, "firstname", "Local");

        await SyncAsync(policies);
        Assert.Equal("Local", await LocalAsync(id, "firstname"));
        Assert.Equal("HubSpot", await RemoteAsync(id, "firstname"));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 1, 0, 0), await Pusher().PushAsync());
        await SyncAsync(policies);

        await AssertBothAsync(id, "firstname", "Local");
        var conflict = Assert.Single(await AllConflictsAsync());
        Assert.Equal((SyncConflictOutcome.LocalWon, "last-writer-wins"), (conflict.Outcome, conflict.Policy));
        Assert.True(conflict.LocalAt > conflict.RemoteAt);
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task Last_writer_wins_by_property_history_is_not_fooled_by_a_later_change_of_another_property()
    {
        var id = await SeedAsync();
        await SetRemoteAsync(id, "firstname", "HubSpot");
        await SetLocalAsync(id, "firstname", "Local");
        // Another property changes in HubSpot after the local edit: updatedAt is now newer, firstname's own time is not.
        Emulator.Clock.Advance(TimeSpan.FromHours(2));
        await SetRemoteAsync(id, "lastname", "Byron");

        await SyncAsync();
        await Pusher().PushAsync();
        await SyncAsync();

        await AssertBothAsync(id, "firstname", "Local");
        await AssertBothAsync(id, "lastname", "Byron");
        Assert.Equal(SyncConflictOutcome.LocalWon, Assert.Single(await AllConflictsAsync()).Outcome);
        await AssertAgreementAsync();
    }

    [Theory]
    [InlineData("", "HubSpot", "HubSpot")]
    [InlineData("Local", "", "Local")]
    public async Task Prefer_non_empty_keeps_the_side_that_has_a_value(string local, string remote, string expected)
    {
        var policies = Policy("prefer-non-empty");
        var id = await SeedAsync(policies);
        // HubSpot's change is the later one: a last-writer rule would pick it, prefer-non-empty picks the value.
        await EditLocalThenRemoteLaterAsync(id, "firstname", local, remote);

        await SyncAsync(policies);
        await Pusher().PushAsync();
        await SyncAsync(policies);

        await AssertBothAsync(id, "firstname", expected);
        Assert.Single(await AllConflictsAsync());
        await AssertAgreementAsync();
    }

    [Theory]
    [InlineData("hubspot-wins")]
    [InlineData("local-wins")]
    [InlineData("last-writer-wins")]
    [InlineData("prefer-non-empty")]
    [InlineData("manual")]
    public async Task Different_properties_changed_on_each_side_both_survive_on_both_sides_and_are_no_conflict(string entry)
    {
        var policies = Policy(entry);
        var id = await SeedAsync(policies);
        await SetLocalAsync(id, "firstname", "Local");
        Emulator.Clock.Advance(TimeSpan.FromHours(2));
        await SetRemoteAsync(id, "lastname", "HubSpot");

        await SyncAsync(policies);
        Assert.Equal("Local", await LocalAsync(id, "firstname"));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 1, 0, 0), await Pusher().PushAsync());
        await SyncAsync(policies);

        await AssertBothAsync(id, "firstname", "Local");
        await AssertBothAsync(id, "lastname", "HubSpot");
        Assert.Empty(await AllConflictsAsync());
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task The_same_value_set_on_both_sides_is_settled_without_a_push_or_a_conflict()
    {
        var id = await SeedAsync();
        await EditLocalThenRemoteLaterAsync(id, "firstname", "Same", "Same");

        await SyncAsync();

        var change = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId));
        Assert.Equal((SyncChangeState.Pushed, "HubSpot already had this value"), (change.State, change.Reason));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        Assert.Empty(await AllConflictsAsync());
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task A_change_on_one_side_only_is_never_a_conflict()
    {
        var policies = Policy("manual");
        var id = await SeedAsync(policies);
        await SetLocalAsync(id, "firstname", "Local only");
        await SyncAsync(policies);
        await Pusher().PushAsync();
        await SetRemoteAsync(id, "lastname", "HubSpot only");
        await SyncAsync(policies);

        await AssertBothAsync(id, "firstname", "Local only");
        await AssertBothAsync(id, "lastname", "HubSpot only");
        Assert.Empty(await AllConflictsAsync());
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task Manual_holds_the_local_value_until_resolved_with_the_local_side()
    {
        var policies = Policy("manual");
        var id = await SeedAsync(policies);
        await EditLocalThenRemoteLaterAsync(id, "firstname", "Local", "HubSpot");
        await SetLocalAsync(id, "lastname", "Pushed anyway");

        await SyncAsync(policies);

        var open = Assert.Single(await SyncConflicts.ListAsync(Store, Emulator.PortalId));
        Assert.Equal((SyncConflictOutcome.Open, "firstname", "Local", "HubSpot", "manual"), (open.Outcome, open.Property, open.LocalValue, open.RemoteValue, open.Policy));
        Assert.Equal(1, await SyncConflicts.CountOpenAsync(Store, Emulator.PortalId));
        Assert.Equal("Local", await LocalAsync(id, "firstname"));
        // The held property is not sent; the other local change is.
        await Pusher().PushAsync();
        Assert.Equal("HubSpot", await RemoteAsync(id, "firstname"));
        Assert.Equal("Pushed anyway", await RemoteAsync(id, "lastname"));
        // A later pass finds the same conflict still open, not a second one.
        await SyncAsync(policies);
        Assert.Single(await AllConflictsAsync());
        Assert.Equal("Local", await LocalAsync(id, "firstname"));
        // A local edit of the held property meanwhile waits for the conflict too, then wins as the latest local value.
        await SetLocalAsync(id, "firstname", "Local again");
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        Assert.Equal("HubSpot", await RemoteAsync(id, "firstname"));

        var resolved = await SyncConflicts.ResolveAsync(Store, Emulator.PortalId, open.ConflictId, SyncConflictResolution.Local);

        Assert.Equal(SyncConflictOutcome.LocalWon, resolved.Outcome);
        Assert.Equal(0, await SyncConflicts.CountOpenAsync(Store, Emulator.PortalId));
        // A pass reading HubSpot's value again before the push does not hold the resolved value again.
        await SyncAsync(policies);
        Assert.Equal(0, await SyncConflicts.CountOpenAsync(Store, Emulator.PortalId));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 2, 0, 0), await Pusher().PushAsync());
        await SyncAsync(policies);
        await AssertBothAsync(id, "firstname", "Local again");
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task Manual_resolved_with_HubSpots_side_takes_its_value_and_pushes_nothing()
    {
        var policies = Policy("manual");
        var id = await SeedAsync(policies);
        await EditLocalThenRemoteLaterAsync(id, "firstname", "Local", "HubSpot");
        await SyncAsync(policies);

        Assert.Equal(1, await SyncConflicts.ResolveAllAsync(Store, Emulator.PortalId, SyncConflictResolution.HubSpot));

        Assert.Equal("HubSpot", await LocalAsync(id, "firstname"));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        Assert.Equal(0, (await SyncOutbox.CountAsync(Store, Emulator.PortalId)).Pending);
        await SyncAsync(policies);
        await AssertBothAsync(id, "firstname", "HubSpot");
        Assert.Equal(SyncConflictOutcome.HubSpotWon, Assert.Single(await AllConflictsAsync()).Outcome);
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task Manual_resolved_with_a_given_value_writes_it_locally_and_pushes_it()
    {
        var policies = Policy("manual");
        var id = await SeedAsync(policies);
        await EditLocalThenRemoteLaterAsync(id, "firstname", "Local", "HubSpot");
        await SyncAsync(policies);
        var open = Assert.Single(await SyncConflicts.ListAsync(Store, Emulator.PortalId));

        await SyncConflicts.ResolveWithValueAsync(Store, Emulator.PortalId, open.ConflictId, "Both");

        Assert.Equal("Both", await LocalAsync(id, "firstname"));
        await SyncAsync(policies);
        Assert.Equal("Both", await LocalAsync(id, "firstname"));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 1, 0, 0), await Pusher().PushAsync());
        await SyncAsync(policies);
        await AssertBothAsync(id, "firstname", "Both");
        Assert.Equal(SyncConflictOutcome.ValueGiven, Assert.Single(await AllConflictsAsync()).Outcome);
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task Resolving_a_conflict_that_is_not_open_says_how_to_find_the_open_ones()
    {
        await SeedAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SyncConflicts.ResolveAsync(Store, Emulator.PortalId, 999, SyncConflictResolution.Local));
        Assert.Contains("spoke sync conflicts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_archived_in_HubSpot_supersedes_its_pending_local_updates()
    {
        var id = await SeedAsync();
        await SetLocalAsync(id, "firstname", "Local");
        await Client.Crm.Contacts.ArchiveAsync(id);

        await SyncAsync();

        var change = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId));
        Assert.Equal(SyncChangeState.Superseded, change.State);
        Assert.StartsWith("archived in HubSpot", change.Reason, StringComparison.Ordinal);
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        Assert.Null(await Client.Crm.Contacts.TryGetAsync(id));
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task A_record_merged_away_in_HubSpot_supersedes_its_pending_local_updates()
    {
        var loser = await SeedAsync();
        var survivor = (await Client.Crm.Contacts.CreateAsync(new PropertyBag().Set("email", "grace@example.com").Set("firstname", "Grace"))).Id;
        await SyncAsync();
        await SetLocalAsync(loser, "firstname", "Local");
        Emulator.Clock.Advance(TimeSpan.FromMinutes(5));
        var merged = await Client.Crm.Contacts.MergeAsync(new CrmMergeInput(survivor, loser));

        await SyncAsync();

        var change = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId));
        Assert.Equal(SyncChangeState.Superseded, change.State);
        Assert.StartsWith($"merged into {merged.Id} in HubSpot", change.Reason, StringComparison.Ordinal);
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task A_pending_local_delete_is_not_undone_by_a_HubSpot_edit_and_is_pushed()
    {
        var id = await SeedAsync();
        await SqlAsync($"DELETE FROM obj_contacts WHERE portal_id = {Emulator.PortalId} AND id = '{id}'");
        Emulator.Clock.Advance(TimeSpan.FromHours(2));
        await SetRemoteAsync(id, "firstname", "Edited in HubSpot");

        await SyncAsync();

        Assert.Empty(await Store.GetRecordsAsync(Emulator.PortalId, "contacts", [id]));
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 1, 0, 0), await Pusher().PushAsync());
        Assert.Null(await Client.Crm.Contacts.TryGetAsync(id));
        await SyncAsync();
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task A_local_delete_of_a_record_HubSpot_archived_already_is_settled_without_a_call()
    {
        var id = await SeedAsync();
        await SqlAsync($"DELETE FROM obj_contacts WHERE portal_id = {Emulator.PortalId} AND id = '{id}'");
        await Client.Crm.Contacts.ArchiveAsync(id);

        await SyncAsync();

        var change = Assert.Single(await SyncOutbox.ListAsync(Store, Emulator.PortalId));
        Assert.Equal(SyncChangeState.Pushed, change.State);
        Assert.StartsWith("HubSpot had already archived", change.Reason, StringComparison.Ordinal);
        Assert.Equal(new SyncPushResult(Emulator.PortalId, 0, 0, 0), await Pusher().PushAsync());
        await AssertAgreementAsync();
    }

    [Fact]
    public async Task The_capture_stores_the_last_agreed_value_of_each_changed_property()
    {
        var id = await SeedAsync();
        await SetLocalAsync(id, "firstname", "One");
        await SetLocalAsync(id, "firstname", "Two");

        await using var connection = await ((SqlSyncStore)Store).OpenForQueriesAsync();
        var bases = (await connection.QueryAsync<string>("SELECT base FROM sync_outbox ORDER BY change_id")).ToList();
        Assert.Equal(["{\"firstname\":\"Ada\"}", "{\"firstname\":\"One\"}"], bases.Select(b => b.Replace(" ", "", StringComparison.Ordinal)));
    }
}
