using Dapper;
using Spoke.Sync.Push;
using Spoke.Sync.Store;

namespace Spoke.Sync.Tests.Store;

/// <summary>The last agreed value the capture keeps for conflicts, on both databases (part of the shared store suite).</summary>
public abstract partial class SyncStoreBehaviourTests
{
    private static async Task<List<(string? Changes, string? Base)>> OutboxBasesAsync(ISyncStore store)
    {
        await using var connection = await ((SqlSyncStore)store).OpenForQueriesAsync();
        return [.. await connection.QueryAsync<(string?, string?)>("SELECT changes, base FROM sync_outbox ORDER BY change_id")];
    }

    private static string Squeeze(string? json) => (json ?? "null").Replace(" ", "", StringComparison.Ordinal);

    [Fact]
    public async Task An_update_is_captured_with_the_old_values_of_the_properties_and_typed_columns_it_changed()
    {
        await using var store = await OpenAsync(new SyncTypedColumn("contacts", "amount", SyncColumnType.Number));
        await SeedMirrorAsync(store, Record("1", ("email", "a@example.com"), ("firstname", "Ann"), ("amount", "10")));

        await ExecuteAsync(store, $"UPDATE obj_contacts SET {SetProperty("firstname", "Anna")} WHERE portal_id = {Portal} AND id = '1'");
        await ExecuteAsync(store, $"UPDATE obj_contacts SET p_amount = 42.5 WHERE portal_id = {Portal} AND id = '1'");

        var rows = await OutboxBasesAsync(store);
        Assert.Equal(["{\"firstname\":\"Ann\"}", "{\"amount\":\"10\"}"], rows.Select(r => Squeeze(r.Base)));
    }

    [Fact]
    public async Task A_mirror_from_before_conflicts_gets_the_new_capture_when_opened_and_its_older_changes_keep_their_local_value()
    {
        await using (var old = await OpenWithMigrationsAsync([.. Migrations.All.Where(m => m.Version <= CaptureSql.OutboxMigration)]))
        {
            await SeedMirrorAsync(old, Record("1", ("email", "a@example.com"), ("firstname", "Ann")));
            await ExecuteAsync(old, $"UPDATE obj_contacts SET {SetProperty("firstname", "Before")} WHERE portal_id = {Portal} AND id = '1'");
        }

        await using var store = await OpenAsync();
        await ExecuteAsync(store, $"UPDATE obj_contacts SET {SetProperty("email", "after@example.com")} WHERE portal_id = {Portal} AND id = '1'");

        var rows = await OutboxBasesAsync(store);
        Assert.Equal(["null", "{\"email\":\"a@example.com\"}"], rows.Select(r => Squeeze(r.Base)));

        // HubSpot changed both: the change with no base keeps its value (as before conflicts existed); the other is a
        // conflict, won by the local edit under the default last-writer-wins (HubSpot's record is dated January).
        await using (var batch = await store.BeginAsync(Portal))
        {
            await batch.UpsertAsync("contacts", [Record("1", ("email", "remote@example.com"), ("firstname", "Remote"))]);
            await batch.CommitAsync();
        }

        var row = Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["1"]));
        Assert.Equal(("Before", "after@example.com"), (row.Properties["firstname"], row.Properties["email"]));
        var changes = await SyncOutbox.ListAsync(store, Portal);
        Assert.Equal([SyncChangeState.Pending, SyncChangeState.Pending], changes.Select(c => c.State));
        var conflict = Assert.Single(await SyncConflicts.ListAsync(store, Portal, includeDecided: true));
        Assert.Equal(("email", "a@example.com", "after@example.com", "remote@example.com", SyncConflictOutcome.LocalWon),
            (conflict.Property, conflict.BaseValue, conflict.LocalValue, conflict.RemoteValue, conflict.Outcome));
    }
}
