using System.Data.Common;
using Dapper;
using Spoke.Sync.Push;
using Spoke.Sync.Store;

namespace Spoke.Sync.Tests.Store;

/// <summary>Capturing local changes into the outbox, on both databases (part of the shared store suite).</summary>
public abstract partial class SyncStoreBehaviourTests
{
    private static async Task ExecuteAsync(ISyncStore store, string sql, object? args = null)
    {
        await using var connection = await ((SqlSyncStore)store).OpenForQueriesAsync();
        await connection.ExecuteAsync(sql, args);
    }

    private bool IsPostgres => Database.StartsWith("postgres", StringComparison.Ordinal);

    private string SetProperty(string name, string value) => IsPostgres
        ? $"properties = jsonb_set(properties, '{{{name}}}', to_jsonb('{value}'::text))"
        : $"properties = json_set(properties, '$.{name}', '{value}')";

    private static async Task SeedMirrorAsync(ISyncStore store, params SyncRecord[] records)
    {
        await using var batch = await store.BeginAsync(Portal);
        await batch.ReplacePropertyDefinitionsAsync("contacts",
        [
            new SyncPropertyDefinition("email", "Email", "string", "text", "contactinformation"),
            new SyncPropertyDefinition("firstname", "First name", "string", "text", "contactinformation"),
            new SyncPropertyDefinition("amount", "Amount", "number", "number", "contactinformation"),
            new SyncPropertyDefinition("hs_object_id", "Record ID", "number", "number", "contactinformation") { ReadOnlyValue = true },
        ]);
        await batch.UpsertAsync("contacts", records);
        await batch.CommitAsync();
    }

    [Fact]
    public async Task The_engines_own_writes_are_never_captured()
    {
        await using var store = await OpenAsync(new SyncTypedColumn("contacts", "amount", SyncColumnType.Number));
        await SeedMirrorAsync(store, Record("1", ("email", "a@example.com"), ("amount", "10")), Record("2", ("email", "b@example.com")));
        await using (var batch = await store.BeginAsync(Portal))
        {
            await batch.UpsertAsync("contacts", [Record("1", ("email", "a2@example.com"), ("amount", "11")), Record("3", ("email", "c@example.com"))]);
            await batch.ArchiveAsync("contacts", ["2"], T0);
            await batch.CommitAsync();
        }

        Assert.Empty(await SyncOutbox.ListAsync(store, Portal));
    }

    [Fact]
    public async Task An_app_updating_the_mirror_is_captured_with_only_the_properties_it_changed()
    {
        await using var store = await OpenAsync(new SyncTypedColumn("contacts", "amount", SyncColumnType.Number));
        await SeedMirrorAsync(store, Record("1", ("email", "a@example.com"), ("firstname", "Ann"), ("amount", "10")), Record("2", ("email", "b@example.com")));

        await ExecuteAsync(store, $"UPDATE obj_contacts SET {SetProperty("firstname", "Anna")} WHERE portal_id = {Portal} AND id = '1'");
        await ExecuteAsync(store, $"UPDATE obj_contacts SET p_amount = 42.5 WHERE portal_id = {Portal} AND id = '1'");
        await ExecuteAsync(store, $"UPDATE obj_contacts SET {SetProperty("email", "b@example.com")} WHERE portal_id = {Portal} AND id = '2'"); // the same value: no change

        var changes = await SyncOutbox.ListAsync(store, Portal);
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(SyncChangeKind.Update, c.Kind));
        Assert.All(changes, c => Assert.Equal(SyncChangeState.Pending, c.State));
        Assert.All(changes, c => Assert.Equal("1", c.RecordId));
        Assert.Equal(new Dictionary<string, string?> { ["firstname"] = "Anna" }, changes[0].Properties);
        Assert.Equal(new Dictionary<string, string?> { ["amount"] = "42.5" }, changes[1].Properties);
        Assert.Equal(new SyncOutboxCounts(2, 0, 0), await SyncOutbox.CountAsync(store, Portal));
    }

    [Fact]
    public async Task A_typed_column_configured_later_is_captured_too_once_the_store_is_opened_with_it()
    {
        await using (var before = await OpenAsync())
        {
            await SeedMirrorAsync(before, Record("1", ("email", "a@example.com"), ("amount", "10")));
        }

        await using var store = await OpenAsync(new SyncTypedColumn("contacts", "amount", SyncColumnType.Number));
        Assert.Equal(10m, await NumberAsync(store, $"SELECT p_amount FROM obj_contacts WHERE portal_id = {Portal} AND id = '1'")); // filled, not captured
        await ExecuteAsync(store, $"UPDATE obj_contacts SET p_amount = 12 WHERE portal_id = {Portal} AND id = '1'");

        var change = Assert.Single(await SyncOutbox.ListAsync(store, Portal));
        Assert.Equal(new Dictionary<string, string?> { ["amount"] = "12" }, change.Properties);
    }

    [Fact]
    public async Task An_inserted_row_is_a_create_under_its_provisional_id_and_a_deleted_row_a_delete()
    {
        await using var store = await OpenAsync();
        await SeedMirrorAsync(store, Record("1", ("email", "a@example.com")));
        var json = IsPostgres ? "'{\"email\":\"new@example.com\",\"firstname\":\"New\"}'::jsonb" : "'{\"email\":\"new@example.com\",\"firstname\":\"New\"}'";
        await ExecuteAsync(store, $"INSERT INTO obj_contacts (portal_id, id, properties) VALUES ({Portal}, 'local-1', {json})");
        await ExecuteAsync(store, $"DELETE FROM obj_contacts WHERE portal_id = {Portal} AND id = '1'");

        var changes = await SyncOutbox.ListAsync(store, Portal);
        Assert.Equal(2, changes.Count);
        Assert.Equal((SyncChangeKind.Create, "local-1"), (changes[0].Kind, changes[0].RecordId));
        Assert.Equal("new@example.com", changes[0].Properties["email"]);
        Assert.Equal("New", changes[0].Properties["firstname"]);
        Assert.Equal((SyncChangeKind.Delete, "1"), (changes[1].Kind, changes[1].RecordId));
    }

    [Fact]
    public async Task A_change_of_a_read_only_property_is_refused_at_capture_with_the_reason()
    {
        await using var store = await OpenAsync();
        await SeedMirrorAsync(store, Record("1", ("email", "a@example.com"), ("hs_object_id", "1")));

        await ExecuteAsync(store, $"UPDATE obj_contacts SET {SetProperty("hs_object_id", "999")} WHERE portal_id = {Portal} AND id = '1'");

        var change = Assert.Single(await SyncOutbox.ListAsync(store, Portal));
        Assert.Equal(SyncChangeState.Rejected, change.State);
        Assert.Contains("hs_object_id", change.Reason, StringComparison.Ordinal);
        Assert.Contains("read-only in HubSpot", change.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_enqueued_through_the_api_commit_or_roll_back_with_the_apps_transaction()
    {
        await using var store = await OpenAsync();
        await SeedMirrorAsync(store, Record("1", ("email", "a@example.com")));
        await using var connection = await ((SqlSyncStore)store).OpenForQueriesAsync();
        await using (DbTransaction rolledBack = await connection.BeginTransactionAsync())
        {
            await SyncOutbox.EnqueueUpdateAsync(rolledBack, Portal, "contacts", "1", new Dictionary<string, string?> { ["firstname"] = "Lost" });
            await rolledBack.RollbackAsync();
        }

        await using (DbTransaction transaction = await connection.BeginTransactionAsync())
        {
            await SyncOutbox.EnqueueUpdateAsync(transaction, Portal, "contacts", "1", new Dictionary<string, string?> { ["firstname"] = "Kept" });
            await SyncOutbox.EnqueueCreateAsync(transaction, Portal, "contacts", "local-9", new Dictionary<string, string?> { ["email"] = "n@example.com" });
            await SyncOutbox.EnqueueDeleteAsync(transaction, Portal, "contacts", "1");
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                SyncOutbox.EnqueueUpdateAsync(transaction, Portal, "contacts", "1", new Dictionary<string, string?> { ["hs_object_id"] = "5" }));
            Assert.Contains("hs_object_id read-only in HubSpot", refused.Message, StringComparison.Ordinal);
            await transaction.CommitAsync();
        }

        var changes = await SyncOutbox.ListAsync(store, Portal);
        Assert.Equal([SyncChangeKind.Update, SyncChangeKind.Create, SyncChangeKind.Delete], changes.Select(c => c.Kind));
        Assert.Equal("Kept", changes[0].Properties["firstname"]);
        Assert.Empty(await SyncOutbox.ListAsync(store, OtherPortal));
    }
}
