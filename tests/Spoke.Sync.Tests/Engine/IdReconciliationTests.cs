using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Engine;

/// <summary>The id-set reconciliation: records HubSpot deleted without an archived listing (GDPR) become tombstones once the interval passes.</summary>
public sealed class IdReconciliationTests() : EmulatorMirrorTests("sync-reconcile")
{
    private SyncEngine Engine(bool full = false)
    {
        var options = new SyncOptions { ReconcileEvery = TimeSpan.FromHours(24), Full = full };
        options.ObjectTypes.Add("contacts");
        return new SyncEngine(Client, Store, options, Emulator.Clock);
    }

    private async Task<List<string>> CreateContactsAsync(int count) =>
        [.. (await Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, count)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id)];

    private async Task<SyncStoredRecord> RowAsync(string id) => Assert.Single(await Store.GetRecordsAsync(Emulator.PortalId, "contacts", [id]));

    private async Task<SyncTypeResult> RunAsync(bool full = false)
    {
        var run = await Engine(full).RunAsync();
        Assert.True(run.Succeeded, run.Types[0].Error);
        return run.Types.Single();
    }

    [Fact]
    public async Task A_GDPR_deleted_contact_becomes_a_tombstone_once_the_reconcile_interval_passes_and_not_before()
    {
        var ids = await CreateContactsAsync(30);
        await RunAsync();
        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        await Client.Crm.Contacts.GdprDeleteAsync(ids[7]);
        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));

        // The archived listing never shows a GDPR delete, and the first backfill counted as reconciled.
        var before = await RunAsync();
        Assert.Equal(0, before.Deletes);
        Assert.False((await RowAsync(ids[7])).Archived);

        Emulator.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, (await RunAsync()).Deletes);
        Assert.Equal(30, (await Store.CountAsync(Emulator.PortalId, "contacts")).Live);

        Emulator.Clock.Advance(TimeSpan.FromHours(1));
        var due = await RunAsync();

        Assert.Equal(1, due.Deletes);
        var row = await RowAsync(ids[7]);
        Assert.True(row.Archived);
        Assert.Equal(Emulator.Clock.GetUtcNow(), row.ArchivedAt);
        Assert.Equal(29, (await Store.CountAsync(Emulator.PortalId, "contacts")).Live);

        // Reconciled just now: the next run lists no ids again until the interval has passed once more.
        var next = await RunAsync();
        Assert.Equal(0, next.Deletes);
        Assert.True(next.ApiCalls < due.ApiCalls, $"{next.ApiCalls} calls after reconciling vs {due.ApiCalls} reconciling");
    }

    [Fact]
    public async Task A_full_pass_reconciles_and_merged_away_ids_stay_aliases()
    {
        var ids = await CreateContactsAsync(12);
        await RunAsync();
        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        await Client.Crm.Contacts.MergeAsync(new CrmMergeInput(ids[0], ids[1]));
        await RunAsync();
        Assert.Equal(ids[0], (await RowAsync(ids[1])).MergedInto);
        await Client.Crm.Contacts.GdprDeleteAsync(ids[5]);
        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));

        var full = await RunAsync(full: true);

        Assert.Equal(1, full.Deletes);
        Assert.True((await RowAsync(ids[5])).Archived);
        var loser = await RowAsync(ids[1]);
        Assert.False(loser.Archived);
        Assert.Equal(ids[0], loser.MergedInto);
        Assert.Equal(10, (await Store.CountAsync(Emulator.PortalId, "contacts")).Live);
    }
}
