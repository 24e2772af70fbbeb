using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Engine;

/// <summary>The engine against the in-process emulator, mirroring into SQLite; the tests compare the mirror with the portal themselves.</summary>
public sealed class SyncEngineTests() : EmulatorMirrorTests("sync-engine")
{
    private SyncEngine Engine(SyncOptions? options = null) => new(Client, Store, options ?? Options("contacts", "companies"), Emulator.Clock);

    private static SyncOptions Options(params string[] types)
    {
        var options = new SyncOptions();
        foreach (var type in types)
        {
            options.ObjectTypes.Add(type);
        }

        return options;
    }

    private async Task<(List<string> Contacts, List<string> Companies)> SeedAsync(int contacts, int companies)
    {
        var companyIds = (await Client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, companies)
            .Select(i => new PropertyBag().Set("name", $"Company {i}").Set("domain", $"c{i}.example.com")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        var contactIds = (await Client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, contacts)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        (await Client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contactIds.Select((id, i) => new AssociationPair(id, companyIds[i % companyIds.Count])))).EnsureAllSucceeded();
        return (contactIds, companyIds);
    }

    private async Task AssertMirrorMatchesPortalAsync(string type)
    {
        var portal = await Client.Crm.Objects(type).ListAsync(new CrmReadOptions { Properties = ["email", "firstname", "name", "domain"] }).ToListAsync();
        var counts = await Store.CountAsync(Emulator.PortalId, type);
        Assert.Equal(portal.Count, counts.Live);
        var mirrored = await Store.GetRecordsAsync(Emulator.PortalId, type, [.. portal.Select(p => p.Id)]);
        var byId = mirrored.ToDictionary(r => r.Id);
        foreach (var record in portal)
        {
            var row = byId[record.Id];
            Assert.False(row.Archived);
            foreach (var name in new[] { "email", "firstname", "name", "domain" })
            {
                Assert.Equal(record.Properties.GetString(name), row.Properties.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null);
            }
        }
    }

    [Fact]
    public async Task A_first_run_mirrors_every_record_its_properties_associations_definitions_and_pipelines()
    {
        var (contacts, companies) = await SeedAsync(contacts: 250, companies: 30);

        var run = await Engine(Options("contacts", "companies", "deals")).RunAsync();

        Assert.True(run.Succeeded, string.Join("; ", run.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        Assert.Equal(Emulator.PortalId, run.PortalId);
        Assert.All(run.Types, t => Assert.Equal("backfill", t.Mode));
        await AssertMirrorMatchesPortalAsync("contacts");
        await AssertMirrorMatchesPortalAsync("companies");
        Assert.Equal(250, await Store.CountAssociationsAsync(Emulator.PortalId, "contacts", "companies"));
        var edges = await Store.GetAssociationsAsync(Emulator.PortalId, "contacts", contacts[7]);
        var edge = Assert.Single(edges, e => e.ToType == "companies");
        Assert.Equal(companies[7 % companies.Count], edge.ToId);
        Assert.Equal(AssociationTypes.ContactToCompany.TypeId, edge.TypeId);
        Assert.Equal("HUBSPOT_DEFINED", edge.Category);

        var runs = await Store.GetRecentRunsAsync(Emulator.PortalId, 1);
        Assert.Equal(SyncRunStatus.Succeeded, Assert.Single(runs).Status);
    }

    [Fact]
    public async Task The_next_run_is_incremental_and_applies_updates_archives_and_merges()
    {
        var (contacts, _) = await SeedAsync(contacts: 120, companies: 5);
        var first = await Engine().RunAsync();
        Assert.True(first.Succeeded);

        Emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        await Client.Crm.Contacts.UpdateAsync(contacts[3], new PropertyBag().Set("firstname", "Renamed"));
        await Client.Crm.Contacts.ArchiveAsync(contacts[4]);
        await Client.Crm.Contacts.MergeAsync(new CrmMergeInput(contacts[5], contacts[6]));
        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));

        var second = await Engine().RunAsync();

        Assert.True(second.Succeeded, string.Join("; ", second.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        var result = second.Types.Single(t => t.ObjectType == "contacts");
        Assert.Equal("incremental", result.Mode);
        // An incremental pass reads what changed, not the whole collection again.
        Assert.True(result.ApiCalls < first.Types.Single(t => t.ObjectType == "contacts").ApiCalls,
            $"incremental {result.ApiCalls} calls vs backfill {first.Types.Single(t => t.ObjectType == "contacts").ApiCalls}");
        var rows = (await Store.GetRecordsAsync(Emulator.PortalId, "contacts", [contacts[3], contacts[4], contacts[5], contacts[6]])).ToDictionary(r => r.Id);
        Assert.Equal("Renamed", rows[contacts[3]].Properties["firstname"]);
        Assert.True(rows[contacts[4]].Archived);
        Assert.NotNull(rows[contacts[4]].ArchivedAt);
        Assert.Equal(contacts[5], rows[contacts[6]].MergedInto);
        Assert.Equal(contacts[5], await Store.ResolveIdAsync(Emulator.PortalId, "contacts", contacts[6]));
        Assert.Equal(1, result.Merges);
        await AssertMirrorMatchesPortalAsync("contacts");
    }

    [Fact]
    public async Task A_backfill_stopped_midway_resumes_from_its_last_committed_page()
    {
        await SeedAsync(contacts: 450, companies: 3);
        using var stop = new CancellationTokenSource();
        var progress = new StopAfter(stop, "contacts", records: 200);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Engine(Options("contacts")).RunAsync(progress, stop.Token));
        var kept = (await Store.CountAsync(Emulator.PortalId, "contacts")).Live;
        Assert.InRange(kept, 200, 300);

        var resumed = await Engine(Options("contacts")).RunAsync();

        var contacts = resumed.Types.Single();
        Assert.True(resumed.Succeeded, contacts.Error);
        // Only the pages not yet committed are listed again: 450 records in pages of 100 make 5 pages in all.
        Assert.Equal(450 - kept, contacts.Records);
        await AssertMirrorMatchesPortalAsync("contacts");
    }

    [Fact]
    public async Task A_type_the_token_may_not_read_is_skipped_with_the_reason_and_the_others_still_sync()
    {
        await SeedAsync(contacts: 10, companies: 2);
        var limited = new HubSpotClient(new HubSpotClientOptions { BaseUri = Emulator.BaseUri, AccessToken = Emulator.CreateToken("crm.objects.contacts.read") });

        var run = await new SyncEngine(limited, Store, Options("contacts", "deals"), Emulator.Clock).RunAsync();

        var deals = run.Types.Single(t => t.ObjectType == "deals");
        Assert.Contains("may not read deals", deals.SkippedReason);
        Assert.Null(deals.Error);
        var contacts = run.Types.Single(t => t.ObjectType == "contacts");
        Assert.True(contacts.Error is null && contacts.SkippedReason is null, contacts.Error ?? contacts.SkippedReason);
        Assert.Equal(10, contacts.Records);
    }

    [Fact]
    public async Task Properties_too_many_for_one_list_url_are_read_by_batch_and_still_mirrored()
    {
        await SeedAsync(contacts: 30, companies: 2);
        var options = Options("contacts");
        options.MaxPropertiesQueryLength = 40; // a handful of names per URL; the rest come by batch read

        var run = await Engine(options).RunAsync();

        Assert.True(run.Succeeded, run.Types[0].Error);
        await AssertMirrorMatchesPortalAsync("contacts");
    }

    private sealed class StopAfter(CancellationTokenSource stop, string type, long records) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            if (value.ObjectType == type && value.Phase == "backfill" && value.Records >= records)
            {
                stop.Cancel();
            }
        }
    }
}
