using System.Text;
using Dapper;
using Spoke.Sync.Push;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Store;

/// <summary>Erasure on a SQLite mirror.</summary>
public sealed class SqliteSyncMirrorEraserTests() : SyncMirrorEraserTests(ScratchMirror.Sqlite("sync-erase"))
{
    // PostgreSQL keeps deleted rows in dead tuples until VACUUM (documented on SyncMirrorEraser); SQLite overwrites them.
    [Fact]
    public async Task On_sqlite_the_file_keeps_no_copy_of_the_erased_values()
    {
        var sqlite = (SqliteSyncStore)Store;
        await SeedAsync();
        await SyncMirrorEraser.EraseAsync(Store, Portal, "contacts", ["101"]);

        var bytes = await File.ReadAllBytesAsync(sqlite.Path);
        var wal = File.Exists(sqlite.Path + "-wal") ? await File.ReadAllBytesAsync(sqlite.Path + "-wal") : [];
        foreach (var value in new[] { "ada.erasure@example.com", "ada.before.merge@example.com", "ada.local.edit@example.com" })
        {
            var needle = Encoding.UTF8.GetBytes(value);
            Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{value} is still in the mirror file");
            Assert.True(wal.AsSpan().IndexOf(needle) < 0, $"{value} is still in the WAL");
        }

        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("grace@example.com")) >= 0);
    }
}

/// <summary>Erasure on a throwaway PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSyncMirrorEraserTests(PostgresServer server) : SyncMirrorEraserTests(ScratchMirror.Postgres(server, "spoke_erase"));

/// <summary>
/// A GDPR erasure of one contact from a mirror: its row, the row merged into it, its edges both ways, its record and
/// edge outbox entries, its conflicts and aliases are gone; another contact and its data stay; nothing is queued to push.
/// </summary>
public abstract class SyncMirrorEraserTests(ScratchMirror mirror) : IAsyncLifetime
{
    protected const long Portal = 4242;
    private const string Email = "ada.erasure@example.com";
    private const string OldEmail = "ada.before.merge@example.com";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private ISyncStore _store = null!;

    protected ISyncStore Store => _store;

    public async Task InitializeAsync() => _store = await mirror.OpenAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await mirror.DropAsync();
    }

    private static SyncRecord Contact(string id, string email) =>
        new(id, new Dictionary<string, string?> { ["email"] = email, ["firstname"] = "Ada" }, T0, T0);

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var connection = await ((SqlSyncStore)_store).OpenForQueriesAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    protected async Task SeedAsync()
    {
        await using (var batch = await _store.BeginAsync(Portal))
        {
            await batch.UpsertAsync("contacts", [Contact("101", Email), Contact("103", OldEmail), Contact("102", "grace@example.com")]);
            await batch.UpsertAsync("companies", [new SyncRecord("900", new Dictionary<string, string?> { ["name"] = "Acme" }, T0, T0)]);
            await batch.MergeAsync("contacts", "103", "101");
            await batch.ReplaceAssociationsAsync("contacts", ["101", "102"], "companies",
                [new SyncAssociation("contacts", "101", "companies", "900", 279, "HUBSPOT_DEFINED"), new SyncAssociation("contacts", "102", "companies", "900", 279, "HUBSPOT_DEFINED")]);
            await batch.ReplaceAssociationsAsync("companies", ["900"], "contacts",
                [new SyncAssociation("companies", "900", "contacts", "101", 280, "HUBSPOT_DEFINED"), new SyncAssociation("companies", "900", "contacts", "102", 280, "HUBSPOT_DEFINED")]);
            await batch.CommitAsync();
        }

        var sql = (SqlSyncStore)_store;
        await using var connection = await sql.OpenForQueriesAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await SyncOutbox.EnqueueUpdateAsync(transaction, Portal, "contacts", "101", new Dictionary<string, string?> { ["email"] = "ada.local.edit@example.com" });
        await SyncOutbox.EnqueueUpdateAsync(transaction, Portal, "contacts", "102", new Dictionary<string, string?> { ["firstname"] = "Grace" });
        // A local edge write, captured by the edge triggers into sync_edge_outbox.
        await connection.ExecuteAsync(
            "INSERT INTO sync_associations (portal_id, from_type, from_id, to_type, to_id, type_id, category) VALUES (@Portal, 'contacts', '101', 'deals', '700', 4, 'HUBSPOT_DEFINED')",
            new { Portal }, transaction);
        await connection.ExecuteAsync($"""
            INSERT INTO sync_conflicts (portal_id, object_type, record_id, property, base, local_value, remote_value, policy, outcome, opened_at)
            VALUES (@Portal, 'contacts', '101', 'email', @OldEmail, 'ada.local.edit@example.com', @Email, 'manual', 'open', {sql.Cast("@at", ColumnKind.Time)})
            """, new { Portal, OldEmail, Email, at = sql.TimeValue(T0) }, transaction);
        await transaction.CommitAsync();
    }

    [Fact]
    public async Task Erasing_a_contact_removes_everything_holding_it_and_nothing_else()
    {
        await SeedAsync();
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM sync_edge_outbox WHERE from_id = '101'"));

        var result = await SyncMirrorEraser.EraseAsync(_store, Portal, "contacts", ["101"]);

        Assert.Equal(["101", "103"], result.RecordIds);
        Assert.Equal(2, result.RowsByTable["obj_contacts"]);
        Assert.Equal(3, result.RowsByTable["sync_associations"]);
        Assert.Equal(1, result.RowsByTable["sync_edge_outbox"]);
        Assert.Equal(1, result.RowsByTable["sync_outbox"]);
        Assert.Equal(1, result.RowsByTable["sync_conflicts"]);
        Assert.Equal(1, result.RowsByTable["sync_id_aliases"]);

        Assert.Equal(["102"], (await _store.GetRecordsAsync(Portal, "contacts", ["101", "102", "103"])).Select(r => r.Id));
        Assert.Equal(["102"], (await _store.GetAssociationsAsync(Portal, "companies", "900")).Select(e => e.ToId));
        Assert.Empty(await _store.GetAssociationsAsync(Portal, "contacts", "101"));
        Assert.Single(await _store.GetAssociationsAsync(Portal, "contacts", "102"));
        Assert.Equal("103", await _store.ResolveIdAsync(Portal, "contacts", "103")); // no alias left
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM sync_outbox WHERE record_id IN ('101', '103')"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM sync_outbox WHERE record_id = '102'")); // nothing queued by the erase
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM sync_conflicts"));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM sync_edge_outbox"));
    }

    [Fact]
    public async Task Erasing_an_id_the_mirror_never_held_removes_nothing()
    {
        await SeedAsync();

        var result = await SyncMirrorEraser.EraseAsync(_store, Portal, "contacts", ["555"]);

        Assert.Equal(0, result.TotalRows);
        Assert.Equal(2, (await _store.GetRecordsAsync(Portal, "contacts", ["101", "102"])).Count);
    }
}
