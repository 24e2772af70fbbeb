using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Store;

/// <summary>
/// The mirror's behaviour, one suite for every database: <see cref="SqliteSyncStoreTests"/> runs it on a temp file,
/// <see cref="PostgresSyncStoreTests"/> on a throwaway PostgreSQL database.
/// </summary>
public abstract partial class SyncStoreBehaviourTests : IAsyncLifetime
{
    protected const long Portal = 12345;
    protected const long OtherPortal = 67890;
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>The <c>--database</c> string of this test's database.</summary>
    protected abstract string Database { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Opens the store with only <paramref name="migrations"/> known (to build old databases, or try a new migration).</summary>
    internal abstract Task<SqlSyncStore> OpenWithMigrationsAsync(IReadOnlyList<Migration> migrations);

    protected async Task<ISyncStore> OpenAsync(params SyncTypedColumn[] typedColumns)
    {
        var options = new SyncStoreOptions { TimeProvider = Time };
        foreach (var column in typedColumns)
        {
            options.TypedColumns.Add(column);
        }

        return await SyncDatabase.Parse(Database).OpenAsync(options);
    }

    protected static SyncRecord Record(string id, params (string Name, string? Value)[] properties) =>
        new(id, properties.ToDictionary(p => p.Name, p => p.Value), T0, T0.AddMinutes(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) % 1000));

    protected static async Task<List<T>> QueryAsync<T>(ISyncStore store, string sql, object? args = null)
    {
        await using var connection = await ((SqlSyncStore)store).OpenForQueriesAsync();
        return [.. await connection.QueryAsync<T>(sql, args)];
    }

    protected static async Task<decimal?> NumberAsync(ISyncStore store, string sql)
    {
        await using var connection = await ((SqlSyncStore)store).OpenForQueriesAsync();
        var value = await connection.ExecuteScalarAsync<object?>(sql);
        return value is null or DBNull ? null : Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    protected static async Task<List<string>> AllIdsAsync(ISyncStore store, long portal, string type, bool includeArchived = false)
    {
        var ids = new List<string>();
        await foreach (var id in store.StreamIdsAsync(portal, type, includeArchived))
        {
            ids.Add(id);
        }

        return ids;
    }

    private static async Task WriteAsync(ISyncStore store, long portal, Func<ISyncBatch, Task> write)
    {
        await using var batch = await store.BeginAsync(portal);
        await write(batch);
        await batch.CommitAsync();
    }

    [Fact]
    public async Task Upserting_a_page_again_changes_nothing_and_reads_back_exactly()
    {
        await using var store = await OpenAsync();
        SyncRecord[] page =
        [
            Record("1", ("email", "a@example.com"), ("firstname", "Ada"), ("notes", "naïve “quotes” \\ and \n newline")),
            Record("2", ("email", "b@example.com"), ("firstname", null)),
            Record("3", ("email", "c@example.com")),
        ];

        int first = 0, second = 0;
        await WriteAsync(store, Portal, async b => first = await b.UpsertAsync("contacts", page));
        await WriteAsync(store, Portal, async b => second = await b.UpsertAsync("contacts", page));

        Assert.Equal(3, first);
        Assert.Equal(0, second); // a rerun of the page rewrites no row
        Assert.Equal(new SyncRecordCounts(3, 0, 0), await store.CountAsync(Portal, "contacts"));
        var stored = await store.GetRecordsAsync(Portal, "contacts", ["3", "1", "2", "404"]);
        Assert.Equal(["1", "2", "3"], stored.Select(r => r.Id));
        Assert.Equal("naïve “quotes” \\ and \n newline", stored[0].Properties["notes"]);
        Assert.True(stored[1].Properties.ContainsKey("firstname"));
        Assert.Null(stored[1].Properties["firstname"]);
        Assert.Equal(T0, stored[0].CreatedAt);
        Assert.Equal(T0.AddMinutes(1), stored[0].UpdatedAt);
        Assert.All(stored, r => Assert.False(r.Archived));
    }

    [Fact]
    public async Task An_update_replaces_properties_and_a_new_property_is_just_a_new_key()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, b => b.UpsertAsync("contacts", [Record("1", ("email", "a@example.com"), ("phone", "123"))]));

        var changed = 0;
        var later = T0.AddDays(1);
        await WriteAsync(store, Portal, async b => changed = await b.UpsertAsync("contacts",
            [new SyncRecord("1", new Dictionary<string, string?> { ["email"] = "new@example.com", ["brand_new_property"] = "x" }, T0, later)]));

        Assert.Equal(1, changed);
        var record = Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["1"]));
        Assert.Equal("new@example.com", record.Properties["email"]);
        Assert.Equal("x", record.Properties["brand_new_property"]);
        Assert.False(record.Properties.ContainsKey("phone")); // the mirror holds what HubSpot sent last
        Assert.Equal(later, record.UpdatedAt);
    }

    [Fact]
    public async Task One_id_twice_in_a_page_keeps_the_last()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, b => b.UpsertAsync("contacts", [Record("1", ("email", "old")), Record("1", ("email", "new"))]));
        Assert.Equal("new", Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["1"])).Properties["email"]);
    }

    [Fact]
    public async Task Typed_columns_hold_parsed_values_and_null_for_what_does_not_parse()
    {
        await using var store = await OpenAsync(
            new SyncTypedColumn("deals", "amount", SyncColumnType.Number),
            new SyncTypedColumn("deals", "closedate", SyncColumnType.DateTime),
            new SyncTypedColumn("deals", "is_won", SyncColumnType.Boolean),
            new SyncTypedColumn("deals", "dealname", SyncColumnType.Text));
        await WriteAsync(store, Portal, b => b.UpsertAsync("deals",
        [
            Record("1", ("amount", "1234.5"), ("closedate", "2026-03-04T05:06:07.089Z"), ("is_won", "true"), ("dealname", "Big")),
            Record("2", ("amount", "12 apples"), ("closedate", "next tuesday"), ("is_won", "maybe"), ("dealname", "")),
            Record("3", ("amount", ""), ("closedate", "1767322800000"), ("is_won", "FALSE")),
            Record("4", ("amount", "-7"), ("closedate", "2026-03-04"), ("is_won", null), ("dealname", null)),
        ]));

        var rows = await QueryAsync<(string Id, object? Amount, object? CloseDate, object? IsWon, string? Name, string Raw)>(store,
            "SELECT id, p_amount, p_closedate, p_is_won, p_dealname, " + (store is PostgresSyncStore ? "properties::text" : "properties") + " FROM obj_deals ORDER BY id");
        Assert.Equal(4, rows.Count);
        Assert.Equal(1234.5m, Convert.ToDecimal(rows[0].Amount, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 89, TimeSpan.Zero), SqlSyncStore.ReadTime(rows[0].CloseDate));
        Assert.True(SqlSyncStore.ReadBool(rows[0].IsWon));
        Assert.Equal("Big", rows[0].Name);

        // Unparsable text is NULL in the typed column, never a failure, and the raw value is kept as sent.
        Assert.Null(rows[1].Amount);
        Assert.Null(rows[1].CloseDate);
        Assert.Null(rows[1].IsWon);
        Assert.Equal("", rows[1].Name);
        Assert.Contains("12 apples", rows[1].Raw, StringComparison.Ordinal);
        Assert.Contains("next tuesday", rows[1].Raw, StringComparison.Ordinal);

        Assert.Null(rows[2].Amount);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767322800000), SqlSyncStore.ReadTime(rows[2].CloseDate));
        Assert.False(SqlSyncStore.ReadBool(rows[2].IsWon));
        Assert.Null(rows[2].Name); // absent property

        Assert.Equal(-7m, Convert.ToDecimal(rows[3].Amount, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero), SqlSyncStore.ReadTime(rows[3].CloseDate));
        Assert.Null(rows[3].IsWon);

        // Typed columns index and compare as their type, which raw text cannot ("-7" < "1234.5" < "9" as text).
        var big = await QueryAsync<string>(store, "SELECT id FROM obj_deals WHERE p_amount > 100 ORDER BY id");
        Assert.Equal(["1"], big);
    }

    [Fact]
    public async Task A_typed_column_configured_later_is_added_to_the_existing_table_and_filled_from_stored_rows()
    {
        await using (var before = await OpenAsync())
        {
            await WriteAsync(before, Portal, b => b.UpsertAsync("deals", [Record("1", ("amount", "10")), Record("2", ("amount", "n/a")), Record("3", ("dealname", "no amount"))]));
            await WriteAsync(before, OtherPortal, b => b.UpsertAsync("deals", [Record("1", ("amount", "99.25"))]));
        }

        await using var store = await OpenAsync(new SyncTypedColumn("deals", "amount", SyncColumnType.Number));
        var rows = await QueryAsync<(long Portal, string Id, object? Amount)>(store, "SELECT portal_id, id, p_amount FROM obj_deals ORDER BY portal_id, id");
        Assert.Equal(
            [(Portal, "1", (decimal?)10m), (Portal, "2", null), (Portal, "3", null), (OtherPortal, "1", 99.25m)],
            rows.Select(r => (r.Portal, r.Id, r.Amount is null ? (decimal?)null : Convert.ToDecimal(r.Amount, System.Globalization.CultureInfo.InvariantCulture))));

        // Later writes fill it too, and a rerun over the database changes nothing.
        var changed = -1;
        await WriteAsync(store, Portal, async b => changed = await b.UpsertAsync("deals", [Record("1", ("amount", "10")), Record("4", ("amount", "4e2"))]));
        Assert.Equal(1, changed);
        Assert.Equal(400m, await NumberAsync(store, "SELECT p_amount FROM obj_deals WHERE id = '4'"));
    }

    [Fact]
    public async Task A_typed_column_configured_with_another_type_than_it_has_is_a_clear_error()
    {
        await using (var first = await OpenAsync(new SyncTypedColumn("deals", "amount", SyncColumnType.Number)))
        {
            await WriteAsync(first, Portal, b => b.UpsertAsync("deals", [Record("1", ("amount", "10"))]));
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(new SyncTypedColumn("deals", "amount", SyncColumnType.Text)));
        Assert.Contains("deals.amount", error.Message, StringComparison.Ordinal);
        Assert.Contains("Number", error.Message, StringComparison.Ordinal);
        Assert.Contains("Text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archived_records_are_tombstones_until_restored()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, b => b.UpsertAsync("contacts", [Record("1", ("email", "a")), Record("2", ("email", "b")), Record("3", ("email", "c"))]));

        var archivedAt = T0.AddDays(2);
        await WriteAsync(store, Portal, b => b.UpsertAsync("contacts", [new SyncRecord("2", new Dictionary<string, string?> { ["email"] = "b" }, T0, archivedAt, Archived: true, ArchivedAt: archivedAt)]));
        var reconciled = 0;
        await WriteAsync(store, Portal, async b => reconciled = await b.ArchiveAsync("contacts", ["3", "2", "999"], T0.AddDays(5)));

        Assert.Equal(1, reconciled); // 2 was a tombstone already (keeps its time), 999 was never stored
        Assert.Equal(new SyncRecordCounts(1, 2, 0), await store.CountAsync(Portal, "contacts"));
        Assert.Equal(["1"], await AllIdsAsync(store, Portal, "contacts"));
        Assert.Equal(["1", "2", "3"], await AllIdsAsync(store, Portal, "contacts", includeArchived: true));
        var tombstones = await store.GetRecordsAsync(Portal, "contacts", ["2", "3"]);
        Assert.All(tombstones, r => Assert.True(r.Archived));
        Assert.Equal([archivedAt, T0.AddDays(5)], tombstones.Select(r => r.ArchivedAt!.Value));
        Assert.Equal("b", tombstones[0].Properties["email"]); // the last known values stay readable

        // HubSpot restored it: a live upsert clears the tombstone.
        await WriteAsync(store, Portal, b => b.UpsertAsync("contacts", [Record("2", ("email", "b2"))]));
        var restored = Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["2"]));
        Assert.False(restored.Archived);
        Assert.Null(restored.ArchivedAt);
        Assert.Equal(new SyncRecordCounts(2, 1, 0), await store.CountAsync(Portal, "contacts"));
    }

    [Fact]
    public async Task A_merge_marks_the_loser_records_the_alias_and_moves_its_edges_to_the_survivor()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, async b =>
        {
            await b.UpsertAsync("contacts", [Record("1", ("email", "a")), Record("2", ("email", "b")), Record("3", ("email", "c"))]);
            await b.ReplaceAssociationsAsync("contacts", ["1", "2"], "companies",
            [
                new("contacts", "1", "companies", "100", 1, "HUBSPOT_DEFINED"),
                new("contacts", "1", "companies", "200", 1, "HUBSPOT_DEFINED"),
                new("contacts", "2", "companies", "200", 1, "HUBSPOT_DEFINED"),
            ]);
            await b.ReplaceAssociationsAsync("deals", ["900"], "contacts", [new("deals", "900", "contacts", "1", 3, "HUBSPOT_DEFINED")]);
        });

        await WriteAsync(store, Portal, b => b.MergeAsync("contacts", "1", "2"));

        Assert.Equal("2", await store.ResolveIdAsync(Portal, "contacts", "1"));
        Assert.Equal("3", await store.ResolveIdAsync(Portal, "contacts", "3"));
        Assert.Equal("2", Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["1"])).MergedInto);
        Assert.Equal(new SyncRecordCounts(2, 0, 1), await store.CountAsync(Portal, "contacts"));
        Assert.Equal(["2", "3"], await AllIdsAsync(store, Portal, "contacts"));
        Assert.Empty(await store.GetAssociationsAsync(Portal, "contacts", "1"));
        Assert.Equal(["100", "200"], (await store.GetAssociationsAsync(Portal, "contacts", "2")).Select(e => e.ToId));
        Assert.Equal("2", Assert.Single(await store.GetAssociationsAsync(Portal, "deals", "900")).ToId);

        // The survivor merges on: the first loser's alias follows, no chain to walk.
        await WriteAsync(store, Portal, b => b.MergeAsync("contacts", "2", "3"));
        Assert.Equal("3", await store.ResolveIdAsync(Portal, "contacts", "1"));
        Assert.Equal("3", await store.ResolveIdAsync(Portal, "contacts", "2"));
        Assert.Equal("3", Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["1"])).MergedInto);
        Assert.Equal(new SyncRecordCounts(1, 0, 2), await store.CountAsync(Portal, "contacts"));
        Assert.Equal("3", Assert.Single(await store.GetAssociationsAsync(Portal, "deals", "900")).ToId);
    }

    [Fact]
    public async Task Association_sources_are_the_records_with_an_edge_to_the_given_targets_once_each_in_text_order()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, async b =>
        {
            await b.ReplaceAssociationsAsync("contacts", ["1", "2", "10", "3"], "companies",
            [
                new("contacts", "2", "companies", "A", 1, "HUBSPOT_DEFINED"),
                new("contacts", "2", "companies", "A", 279, "HUBSPOT_DEFINED"),
                new("contacts", "10", "companies", "B", 279, "HUBSPOT_DEFINED"),
                new("contacts", "1", "companies", "A", 279, "HUBSPOT_DEFINED"),
                new("contacts", "3", "companies", "C", 279, "HUBSPOT_DEFINED"),
            ]);
            await b.ReplaceAssociationsAsync("deals", ["9"], "companies", [new("deals", "9", "companies", "A", 341, "HUBSPOT_DEFINED")]);
        });
        await WriteAsync(store, Portal + 1, b => b.ReplaceAssociationsAsync("contacts", ["7"], "companies", [new("contacts", "7", "companies", "A", 279, "HUBSPOT_DEFINED")]));

        Assert.Equal(["1", "10", "2"], await store.GetAssociationSourcesAsync(Portal, "contacts", "companies", ["A", "B", "Z"]));
        Assert.Equal(["9"], await store.GetAssociationSourcesAsync(Portal, "deals", "companies", ["A"]));
        Assert.Empty(await store.GetAssociationSourcesAsync(Portal, "contacts", "deals", ["A"]));
        Assert.Empty(await store.GetAssociationSourcesAsync(Portal, "contacts", "companies", []));
        // Past one statement's parameters: chunked, still each source once.
        Assert.Equal(["1", "10", "2", "3"], await store.GetAssociationSourcesAsync(Portal, "contacts", "companies",
            [.. Enumerable.Range(0, 1200).Select(i => $"X{i}"), "A", "B", "C"]));
    }

    [Fact]
    public async Task Replacing_edges_drops_the_ones_no_longer_listed_and_leaves_other_records_and_types_alone()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, async b =>
        {
            await b.ReplaceAssociationsAsync("contacts", ["1", "2", "3"], "companies",
            [
                new("contacts", "1", "companies", "A", 1, "HUBSPOT_DEFINED"),
                new("contacts", "1", "companies", "B", 1, "HUBSPOT_DEFINED"),
                new("contacts", "1", "companies", "B", 7, "USER_DEFINED", "Billing"),
                new("contacts", "2", "companies", "C", 1, "HUBSPOT_DEFINED"),
                new("contacts", "3", "companies", "C", 1, "HUBSPOT_DEFINED"),
            ]);
            await b.ReplaceAssociationsAsync("contacts", ["1"], "deals", [new("contacts", "1", "deals", "X", 4, "HUBSPOT_DEFINED")]);
        });

        // What a v4 batch read of contacts 1 and 3 returns now: 1 lost B (both labels) and gained D; 3 has none.
        await WriteAsync(store, Portal, b => b.ReplaceAssociationsAsync("contacts", ["1", "3"], "companies",
        [
            new("contacts", "1", "companies", "A", 1, "HUBSPOT_DEFINED"),
            new("contacts", "1", "companies", "D", 1, "HUBSPOT_DEFINED"),
            new("contacts", "1", "companies", "D", 1, "HUBSPOT_DEFINED"), // duplicates are stored once
        ]));

        Assert.Equal(
            [("companies", "A", 1, "HUBSPOT_DEFINED", (string?)null), ("companies", "D", 1, "HUBSPOT_DEFINED", null), ("deals", "X", 4, "HUBSPOT_DEFINED", null)],
            (await store.GetAssociationsAsync(Portal, "contacts", "1")).Select(e => (e.ToType, e.ToId, e.TypeId, e.Category, e.Label)));
        Assert.Equal(["C"], (await store.GetAssociationsAsync(Portal, "contacts", "2")).Select(e => e.ToId));
        Assert.Empty(await store.GetAssociationsAsync(Portal, "contacts", "3"));
        Assert.Equal(3, await store.CountAssociationsAsync(Portal, "contacts", "companies"));

        await using var batch = await store.BeginAsync(Portal);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => batch.ReplaceAssociationsAsync("contacts", ["1"], "companies", [new("contacts", "2", "companies", "A", 1, "HUBSPOT_DEFINED")]));
        Assert.Contains("contacts 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_labelled_association_is_stored_with_its_label()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, b => b.ReplaceAssociationsAsync("contacts", ["1"], "companies",
            [new("contacts", "1", "companies", "A", 1, "HUBSPOT_DEFINED"), new("contacts", "1", "companies", "A", 12, "USER_DEFINED", "Decision maker")]));
        var edges = await store.GetAssociationsAsync(Portal, "contacts", "1");
        Assert.Equal([(1, "HUBSPOT_DEFINED", (string?)null), (12, "USER_DEFINED", "Decision maker")], edges.Select(e => (e.TypeId, e.Category, e.Label)));
    }

    [Fact]
    public async Task A_batch_disposed_without_commit_leaves_neither_rows_nor_checkpoint_nor_new_tables()
    {
        await using var store = await OpenAsync(new SyncTypedColumn("p123_projects", "budget", SyncColumnType.Number));
        await WriteAsync(store, Portal, async b =>
        {
            await b.UpsertAsync("contacts", [Record("1", ("email", "kept"))]);
            await b.SaveCheckpointAsync("contacts", "backfill", """{"after":"1"}""");
        });

        await using (var batch = await store.BeginAsync(Portal))
        {
            await batch.UpsertAsync("contacts", [Record("1", ("email", "lost")), Record("2", ("email", "lost"))]);
            await batch.ReplaceAssociationsAsync("contacts", ["1"], "companies", [new("contacts", "1", "companies", "A", 1, "HUBSPOT_DEFINED")]);
            await batch.MergeAsync("contacts", "2", "1");
            await batch.UpsertAsync("p123_projects", [Record("7", ("budget", "5"))]); // a new table, in the same transaction
            await batch.SaveCheckpointAsync("contacts", "backfill", """{"after":"2"}""");
            // the process dies, or the page fails: no commit
        }

        Assert.Equal("""{"after":"1"}""", await store.GetCheckpointAsync(Portal, "contacts", "backfill"));
        Assert.Equal("kept", Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["1", "2"])).Properties["email"]);
        Assert.Empty(await store.GetAssociationsAsync(Portal, "contacts", "1"));
        Assert.Equal("2", await store.ResolveIdAsync(Portal, "contacts", "2"));
        Assert.DoesNotContain(await store.ListObjectTypesAsync(), t => t.ObjectType == "p123_projects");

        // The store did not remember the rolled-back table: the next batch creates it for real.
        await WriteAsync(store, Portal, b => b.UpsertAsync("p123_projects", [Record("7", ("budget", "5"))]));
        Assert.Equal(new SyncRecordCounts(1, 0, 0), await store.CountAsync(Portal, "p123_projects"));
        Assert.Equal(5m, await NumberAsync(store, "SELECT p_budget FROM obj_p123_projects"));
    }

    [Fact]
    public async Task A_committed_batch_accepts_no_more_writes()
    {
        await using var store = await OpenAsync();
        await using var batch = await store.BeginAsync(Portal);
        await batch.UpsertAsync("contacts", [Record("1")]);
        await batch.CommitAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => batch.UpsertAsync("contacts", [Record("2")]));
        Assert.Contains("BeginAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_portals_in_one_database_do_not_see_each_other()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, async b =>
        {
            await b.UpsertAsync("contacts", [Record("1", ("email", "portal-a")), Record("2", ("email", "a2"))]);
            await b.ReplaceAssociationsAsync("contacts", ["1"], "companies", [new("contacts", "1", "companies", "A", 1, "HUBSPOT_DEFINED")]);
            await b.SaveCheckpointAsync("contacts", "backfill", "\"a\"");
            await b.MergeAsync("contacts", "2", "1");
            await b.ReplacePipelinesAsync("deals", [new("default", "Sales A", 0, false, [new("s1", "Stage A", 0, false)])]);
        });
        await WriteAsync(store, OtherPortal, async b =>
        {
            await b.UpsertAsync("contacts", [Record("1", ("email", "portal-b"))]);
            await b.ArchiveAsync("contacts", ["1"], T0);
            await b.ReplaceAssociationsAsync("contacts", ["1"], "companies", []);
            await b.ReplacePipelinesAsync("deals", [new("default", "Sales B", 0, false, [])]);
        });
        await store.StartRunAsync(Portal, "run-a");
        await store.StartRunAsync(OtherPortal, "run-b");

        Assert.Equal(new SyncRecordCounts(1, 0, 1), await store.CountAsync(Portal, "contacts"));
        Assert.Equal(new SyncRecordCounts(0, 1, 0), await store.CountAsync(OtherPortal, "contacts"));
        Assert.Equal("portal-a", Assert.Single(await store.GetRecordsAsync(Portal, "contacts", ["1"])).Properties["email"]);
        Assert.Equal("portal-b", Assert.Single(await store.GetRecordsAsync(OtherPortal, "contacts", ["1", "2"])).Properties["email"]);
        Assert.Single(await store.GetAssociationsAsync(Portal, "contacts", "1"));
        Assert.Empty(await store.GetAssociationsAsync(OtherPortal, "contacts", "1"));
        Assert.Equal("\"a\"", await store.GetCheckpointAsync(Portal, "contacts", "backfill"));
        Assert.Null(await store.GetCheckpointAsync(OtherPortal, "contacts", "backfill"));
        Assert.Empty(await store.ListCheckpointsAsync(OtherPortal));
        Assert.Equal("1", await store.ResolveIdAsync(Portal, "contacts", "2"));
        Assert.Equal("2", await store.ResolveIdAsync(OtherPortal, "contacts", "2"));
        Assert.Equal(["run-a"], (await store.GetRecentRunsAsync(Portal, 10)).Select(r => r.RunId));
        Assert.Equal(["Sales A", "Sales B"], await QueryAsync<string>(store, "SELECT label FROM sync_pipelines ORDER BY portal_id"));
        Assert.Equal(1, (await QueryAsync<long>(store, "SELECT COUNT(*) FROM sync_pipeline_stages"))[0]);
    }

    [Fact]
    public async Task Custom_object_types_get_safe_table_names_of_their_own()
    {
        await using var store = await OpenAsync(new SyncTypedColumn("2-1234567", "hs-odd.name", SyncColumnType.Text));
        string[] types = ["contacts", "2-1234567", "p123_projects", "P123_Projects", "x\"; DROP TABLE sync_runs; --", new string('t', 80)];
        foreach (var type in types)
        {
            await WriteAsync(store, Portal, b => b.UpsertAsync(type, [Record("1", ("hs-odd.name", type))]));
        }

        var tables = await store.ListObjectTypesAsync();
        Assert.Equal(types.Order(StringComparer.Ordinal), tables.Select(t => t.ObjectType));
        var byType = tables.ToDictionary(t => t.ObjectType, t => t.TableName);
        Assert.Equal("obj_contacts", byType["contacts"]);
        Assert.Equal("obj_2_1234567", byType["2-1234567"]);
        Assert.Equal("obj_p123_projects", byType["p123_projects"]);
        Assert.StartsWith("obj_p123_projects_", byType["P123_Projects"], StringComparison.Ordinal); // taken: a hash tells them apart
        Assert.All(byType.Values, name => Assert.Matches("^[a-z0-9_]{1,63}$", name));
        Assert.Equal(types.Length, byType.Values.Distinct().Count());
        foreach (var type in types)
        {
            Assert.Equal(type, Assert.Single(await store.GetRecordsAsync(Portal, type, ["1"])).Properties["hs-odd.name"]);
        }

        // The typed column of an odd property name is made safe the same way.
        Assert.Equal(["p_hs_odd_name"], await QueryAsync<string>(store, "SELECT column_name FROM sync_typed_columns WHERE object_type = '2-1234567'"));
        Assert.Equal(["2-1234567"], await QueryAsync<string>(store, "SELECT p_hs_odd_name FROM obj_2_1234567"));
        Assert.Empty(await store.GetRecentRunsAsync(Portal, 5)); // sync_runs is still there
    }

    [Fact]
    public async Task Property_definitions_and_pipelines_are_replaced_whole()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, async b =>
        {
            await b.ReplacePropertyDefinitionsAsync("deals",
            [
                new("dealstage", "Deal stage", "enumeration", "select", "dealinformation", [new("s1", "Appointment"), new("s2", "Closed won")]),
                new("old_property", "Old", "string", "text", "dealinformation"),
            ]);
            await b.ReplacePipelinesAsync("deals", [new("p1", "Sales", 0, false, [new("s1", "Appointment", 0, false, """{"probability":"0.2"}"""), new("s2", "Closed won", 1, false)])]);
        });
        await WriteAsync(store, Portal, async b =>
        {
            await b.ReplacePropertyDefinitionsAsync("deals", [new("dealstage", "Stage", "enumeration", "select", "dealinformation", [new("s2", "Won")])]);
            await b.ReplacePipelinesAsync("deals", [new("p2", "Renewals", 1, false, [new("r1", "Up for renewal", 0, false)])]);
        });

        Assert.Equal([("dealstage", "Stage")], await QueryAsync<(string, string)>(store, "SELECT name, label FROM sync_properties"));
        Assert.Equal([("s2", "Won")], await QueryAsync<(string, string)>(store, "SELECT value, label FROM sync_property_options"));
        Assert.Equal([("p2", "r1", "Up for renewal")], await QueryAsync<(string, string, string)>(store, "SELECT pipeline_id, stage_id, label FROM sync_pipeline_stages"));
        Assert.Equal(["Renewals"], await QueryAsync<string>(store, "SELECT label FROM sync_pipelines"));
    }

    [Fact]
    public async Task The_README_query_joins_records_to_stage_labels_and_associated_companies()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, async b =>
        {
            await b.UpsertAsync("companies", [Record("500", ("name", "Acme")), Record("501", ("name", "Globex"))]);
            await b.UpsertAsync("deals",
            [
                Record("1", ("dealname", "Rockets"), ("pipeline", "default"), ("dealstage", "closedwon")),
                Record("2", ("dealname", "Anvils"), ("pipeline", "default"), ("dealstage", "appointmentscheduled")),
                Record("3", ("dealname", "Gone"), ("pipeline", "default"), ("dealstage", "closedwon")),
            ]);
            await b.ArchiveAsync("deals", ["3"], T0);
            await b.ReplacePipelinesAsync("deals", [new("default", "Sales Pipeline", 0, false,
                [new("appointmentscheduled", "Appointment Scheduled", 0, false), new("closedwon", "Closed Won", 1, false)])]);
            await b.ReplaceAssociationsAsync("deals", ["1", "2", "3"], "companies",
                [new("deals", "1", "companies", "500", 5, "HUBSPOT_DEFINED"), new("deals", "3", "companies", "501", 5, "HUBSPOT_DEFINED")]);
        });
        await WriteAsync(store, OtherPortal, b => b.UpsertAsync("deals", [Record("1", ("dealname", "Other portal"), ("pipeline", "default"), ("dealstage", "closedwon"))]));

        var rows = await QueryAsync<(string Id, string Deal, string Pipeline, string Stage, string? Company)>(store, ReadmeQuery());
        Assert.Equal(
            [("1", "Rockets", "Sales Pipeline", "Closed Won", (string?)"Acme"), ("2", "Anvils", "Sales Pipeline", "Appointment Scheduled", null)],
            rows.Select(r => (r.Id, r.Deal, r.Pipeline, r.Stage, r.Company)));
    }

    private static string ReadmeQuery()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Spoke.slnx")))
        {
            dir = dir.Parent;
        }

        var readme = File.ReadAllText(Path.Combine(dir!.FullName, "src", "Spoke.Sync", "README.md"));
        var match = SqlBlock().Match(readme);
        Assert.True(match.Success, "src/Spoke.Sync/README.md has no ```sql block");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("```sql\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    [Fact]
    public async Task Checkpoints_are_saved_replaced_listed_and_deleted()
    {
        await using var store = await OpenAsync();
        await WriteAsync(store, Portal, async b =>
        {
            await b.SaveCheckpointAsync("contacts", "backfill", """{"after":"100"}""");
            await b.SaveCheckpointAsync("deals", "incremental", """{"since":1767322800000}""");
        });
        Time.Advance(TimeSpan.FromMinutes(5));
        await WriteAsync(store, Portal, async b =>
        {
            await b.SaveCheckpointAsync("contacts", "backfill", """{"after":"200"}""");
            await b.DeleteCheckpointAsync("deals", "incremental");
            await b.DeleteCheckpointAsync("deals", "never-saved");
        });

        var checkpoint = Assert.Single(await store.ListCheckpointsAsync(Portal));
        Assert.Equal(("contacts", "backfill", """{"after":"200"}"""), (checkpoint.ObjectType, checkpoint.Stream, checkpoint.Value));
        Assert.Equal(Time.GetUtcNow(), checkpoint.UpdatedAt);
        Assert.Null(await store.GetCheckpointAsync(Portal, "deals", "incremental"));
    }

    [Fact]
    public async Task The_run_log_keeps_each_run_and_how_it_ended()
    {
        await using var store = await OpenAsync();
        await store.StartRunAsync(Portal, "run-1");
        var started = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromSeconds(42));
        await store.FinishRunAsync("run-1", SyncRunStatus.Failed, """{"contacts":{"records":10}}""", "429 storm");
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.StartRunAsync(Portal, "run-2");

        var runs = await store.GetRecentRunsAsync(Portal, 10);
        Assert.Equal(["run-2", "run-1"], runs.Select(r => r.RunId));
        Assert.Equal(SyncRunStatus.Running, runs[0].Status);
        Assert.Null(runs[0].FinishedAt);
        Assert.Equal(new SyncRunEntry("run-1", Portal, started, started.AddSeconds(42), SyncRunStatus.Failed, """{"contacts":{"records":10}}""", "429 storm"), runs[1]);
        Assert.Single(await store.GetRecentRunsAsync(Portal, 1));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.FinishRunAsync("run-404", SyncRunStatus.Succeeded, null, null));
        Assert.Contains("run-404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_stream_in_pages_in_byte_order_past_the_page_size()
    {
        await using var store = await OpenAsync();
        var ids = Enumerable.Range(1, 12_001).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var page in ids.Chunk(1000))
        {
            await WriteAsync(store, Portal, b => b.UpsertAsync("contacts", [.. page.Select(id => Record(id, ("n", id)))]));
        }

        await WriteAsync(store, Portal, b => b.ArchiveAsync("contacts", ["5000", "5001"], T0));
        var streamed = await AllIdsAsync(store, Portal, "contacts");
        Assert.Equal(ids.Where(id => id is not "5000" and not "5001").Order(StringComparer.Ordinal), streamed);
        Assert.Equal(12_001, (await AllIdsAsync(store, Portal, "contacts", includeArchived: true)).Count);
        Assert.Empty(await AllIdsAsync(store, Portal, "never_written"));
        Assert.Equal(default, await store.CountAsync(Portal, "never_written"));
        Assert.Empty(await store.GetRecordsAsync(Portal, "never_written", ["1"]));
    }

    [Fact]
    public async Task A_version_1_database_is_migrated_forward_once_and_keeps_its_rows()
    {
        await using (var old = await OpenWithMigrationsAsync(Migrations.All.Take(1).ToList()))
        {
            Assert.Equal([1], await old.AppliedVersionsAsync());
            await WriteAsync(old, Portal, async b =>
            {
                await b.UpsertAsync("contacts", [Record("1", ("email", "from v1"))]);
                await b.SaveCheckpointAsync("contacts", "backfill", "{}");
            });
        }

        await using (var current = (SqlSyncStore)await OpenAsync())
        {
            Assert.Equal(Migrations.All.Select(m => m.Version), await current.AppliedVersionsAsync());
            Assert.Equal("from v1", Assert.Single(await current.GetRecordsAsync(Portal, "contacts", ["1"])).Properties["email"]);
            Assert.Equal("{}", await current.GetCheckpointAsync(Portal, "contacts", "backfill"));
        }

        // A newer Spoke's migration applies on top, once; reopening applies nothing again.
        var next = Migrations.All.Append(new Migration(Migrations.All[^1].Version + 1, "test: a new table", _ => "CREATE TABLE sync_test_added (x INTEGER)")).ToList();
        await using (var newer = await OpenWithMigrationsAsync(next))
        {
            Assert.Equal(next.Select(m => m.Version), await newer.AppliedVersionsAsync());
        }

        await using var again = await OpenWithMigrationsAsync(next);
        Assert.Equal(next.Select(m => m.Version), await again.AppliedVersionsAsync());
        Assert.Equal(0L, (await QueryAsync<long>(again, "SELECT COUNT(*) FROM sync_test_added"))[0]);
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole()
    {
        await using (var current = await OpenAsync())
        {
        }

        var broken = Migrations.All.Append(new Migration(Migrations.All[^1].Version + 1, "test: half a migration",
            _ => "CREATE TABLE sync_half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);")).ToList();
        await Assert.ThrowsAnyAsync<DbException>(() => OpenWithMigrationsAsync(broken));

        await using var store = (SqlSyncStore)await OpenAsync();
        Assert.Equal(Migrations.All.Select(m => m.Version), await store.AppliedVersionsAsync());
        await Assert.ThrowsAnyAsync<DbException>(() => QueryAsync<long>(store, "SELECT COUNT(*) FROM sync_half_done"));
    }

    [Fact]
    public async Task A_database_from_a_newer_Spoke_is_refused_with_both_versions_named()
    {
        await using (var store = await OpenAsync())
        {
            await using var connection = await ((SqlSyncStore)store).OpenForQueriesAsync();
            await connection.ExecuteAsync("INSERT INTO sync_schema_version (version, description, applied_at) VALUES (99, 'from the future', (SELECT MAX(applied_at) FROM sync_schema_version))");
        }

        var error = await Assert.ThrowsAsync<SyncStoreVersionException>(() => OpenAsync());
        Assert.Equal(99, error.DatabaseVersion);
        Assert.Equal(Migrations.All[^1].Version, error.SupportedVersion);
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade Spoke", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_batch_a_killed_writer_reported_committed_is_there_with_its_checkpoint()
    {
        const int batches = 100, size = 200;
        var random = new Random(11);
        var reported = -1;
        var kills = 0;
        for (var round = 0; ; round++)
        {
            Assert.True(round < 20, "the writer never finished");
            var kill = round < 5;
            await using var host = SyncHostProcess.Start(Database, batches, size, Portal);
            var stopAfter = kill ? random.Next(2, 6) : int.MaxValue;
            var seen = 0;
            while (seen < stopAfter && await host.NextCommittedAsync() is { } committed)
            {
                Assert.Equal(reported + 1, committed); // it resumed right after its checkpoint
                reported = committed;
                seen++;
            }

            if (kill && !host.HasExited)
            {
                await Task.Delay(random.Next(0, 15)); // land anywhere in the next batch's transaction
                host.KillNine();
                kills++;
                foreach (var committed in await host.DrainCommittedAsync())
                {
                    Assert.Equal(reported + 1, committed);
                    reported = committed;
                }
            }

            await using var store = await OpenAsync();
            var checkpoint = await store.GetCheckpointAsync(Portal, "contacts", "backfill");
            var saved = checkpoint is null ? -1 : System.Text.Json.JsonDocument.Parse(checkpoint).RootElement.GetProperty("batch").GetInt32();
            // Every batch it printed is there; the kill may also land between a commit and its line, so one more may be.
            Assert.InRange(saved, reported, reported + 1);
            Assert.Equal(new SyncRecordCounts((saved + 1) * size, 0, 0), await store.CountAsync(Portal, "contacts"));
            Assert.Equal((saved + 1) * size, await store.CountAssociationsAsync(Portal, "contacts", "companies"));
            if (saved >= 0)
            {
                var last = await store.GetRecordsAsync(Portal, "contacts", [(saved * size).ToString(System.Globalization.CultureInfo.InvariantCulture), (((saved + 1) * size) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                Assert.Equal(2, last.Count);
                Assert.All(last, r => Assert.Equal(saved.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Properties["batch"]));
            }

            reported = saved;
            if (!kill)
            {
                Assert.True(kills >= 3, $"only {kills} kills landed before the writer finished");
                Assert.Equal(batches - 1, saved);
                break;
            }
        }
    }
}
