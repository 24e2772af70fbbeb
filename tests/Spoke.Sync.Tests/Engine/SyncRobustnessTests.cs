using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Emulator.Admin;
using Spoke.Emulator.Faults;
using Spoke.Properties;
using Spoke.Schemas;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Engine;

/// <summary>
/// The engine under hostile conditions (shared timestamps, strict fidelity, search lag, injected faults, changes between
/// and during passes, schema changes); every test ends by comparing the whole mirror with the portal.
/// </summary>
public sealed class SyncRobustnessTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TempInboxDirectory _directory = new("sync-robust");
    private HubSpotEmulator? _emulator;
    private ISyncStore? _store;

    private HubSpotEmulator Emulator => _emulator!;

    private ISyncStore Store => _store!;

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        _directory.Dispose();
    }

    private async Task<HubSpotClient> StartAsync(Action<HubSpotEmulatorOptions>? configure = null)
    {
        var options = new HubSpotEmulatorOptions { Clock = EmulatorClock.FrozenAt(Start) };
        configure?.Invoke(options);
        options.RateLimits = RateLimitTier.Off;
        _emulator = await HubSpotEmulator.StartAsync(options);
        _store = await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));
        // Retries wait in real time (the emulator's clock is frozen), so keep them short.
        return new HubSpotClient(new HubSpotClientOptions
        {
            BaseUri = Emulator.BaseUri,
            AccessToken = Emulator.Token,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            AttemptTimeout = TimeSpan.FromSeconds(10),
            MaxRetries = 8,
        });
    }

    private SyncEngine Engine(HubSpotClient client, params string[] types)
    {
        var options = new SyncOptions();
        foreach (var type in types)
        {
            options.ObjectTypes.Add(type);
        }

        return new SyncEngine(client, Store, options, Emulator.Clock);
    }

    private static async Task<SyncRunResult> RunAsync(SyncEngine engine, IProgress<SyncProgress>? progress = null)
    {
        var run = await engine.RunAsync(progress);
        Assert.True(run.Succeeded, string.Join("; ", run.Types.Where(t => t.Error is not null).Select(t => $"{t.ObjectType}: {t.Error}")));
        return run;
    }

    private static async Task<(List<string> Contacts, List<string> Companies)> SeedAsync(HubSpotClient client, int contacts, int companies)
    {
        var companyIds = (await client.Crm.Companies.BatchCreateAsync(Enumerable.Range(0, companies)
            .Select(i => new PropertyBag().Set("name", $"Company {i}").Set("domain", $"c{i}.example.com")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        var contactIds = (await client.Crm.Contacts.BatchCreateAsync(Enumerable.Range(0, contacts)
            .Select(i => new PropertyBag().Set("email", $"p{i}@example.com").Set("firstname", $"Person {i}")))).EnsureAllSucceeded().Values.Select(c => c.Id).ToList();
        if (companies > 0)
        {
            (await client.Associations.BatchCreateDefaultAsync("contacts", "companies",
                contactIds.Select((id, i) => new AssociationPair(id, companyIds[i % companyIds.Count])))).EnsureAllSucceeded();
        }

        return (contactIds, companyIds);
    }

    [Fact]
    public async Task Fifteen_thousand_records_on_one_millisecond_are_mirrored_and_their_changes_read_exactly()
    {
        var client = await StartAsync();
        var (contacts, _) = await SeedAsync(client, contacts: 15_000, companies: 0);
        await RunAsync(Engine(client, "contacts"));
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts"]);

        // Every change lands on one later millisecond: more than the 10,000 one search may return.
        Emulator.Clock.Advance(TimeSpan.FromHours(1));
        (await client.Crm.Contacts.BatchUpdateAsync(contacts.Select((id, i) => (id, new PropertyBag().Set("firstname", $"Changed {i}"))))).EnsureAllSucceeded();

        var second = await RunAsync(Engine(client, "contacts"));

        Assert.Equal("incremental", second.Types[0].Mode);
        Assert.Equal(15_000, second.Types[0].Records);
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts"]);
    }

    [Fact]
    public async Task Under_strict_fidelity_a_change_search_shows_late_is_caught_by_the_next_pass()
    {
        var client = await StartAsync(o => o.ApplyFidelityProfile(FidelityProfile.Strict));
        var (contacts, companies) = await SeedAsync(client, contacts: 450, companies: 20);
        // A later change moves the bookmark past the seeded records, so the next pass's window starts after them.
        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        await client.Crm.Contacts.UpdateAsync(contacts[^1], new PropertyBag().Set("firstname", "Bookmark"));
        await client.Crm.Companies.UpdateAsync(companies[^1], new PropertyBag().Set("name", "Bookmark Inc"));
        Emulator.Clock.Advance(TimeSpan.FromSeconds(10)); // past the search lag
        await RunAsync(Engine(client, "contacts", "companies"));
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts", "companies"]);

        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        (await client.Crm.Contacts.BatchUpdateAsync(contacts.Take(250).Select(id => (id, new PropertyBag().Set("firstname", "Late"))))).EnsureAllSucceeded();
        await client.Crm.Companies.UpdateAsync(companies[0], new PropertyBag().Set("name", "Late Inc"));

        // Search does not show the changes yet: this pass cannot see them.
        var hidden = await RunAsync(Engine(client, "contacts", "companies"));
        Assert.Equal(0, hidden.Types.Single(t => t.ObjectType == "contacts").Records);

        Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
        var caught = await RunAsync(Engine(client, "contacts", "companies"));

        Assert.Equal(250, caught.Types.Single(t => t.ObjectType == "contacts").Records);
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts", "companies"]);
    }

    [Fact]
    public async Task Injected_5xx_429_bursts_and_timeouts_lose_no_record()
    {
        var client = await StartAsync();
        var (contacts, companies) = await SeedAsync(client, contacts: 600, companies: 40);
        Emulator.Faults.Add(new FaultRule { Kind = FaultKind.Status, Status = 503, Probability = 0.12, Seed = 11 });
        Emulator.Faults.Add(new FaultRule { Kind = FaultKind.Status, Status = 502, Probability = 0.05, Seed = 12, AfterExecute = true });
        // A 429 burst (the next two requests; the client then waits out a rate-limit window in real time, so one burst
        // only), and batch reads and searches that hang until the client gives up.
        Emulator.Faults.Add(new FaultRule { Kind = FaultKind.RateLimit, Policy = "SECONDLY", Count = 2 });
        Emulator.Faults.Add(new FaultRule { Route = "POST /crm/objects/*/batch/read", Kind = FaultKind.Timeout, TimeoutMs = 1_000, Count = 2 });
        Emulator.Faults.Add(new FaultRule { Route = "POST /crm/objects/*/search", Kind = FaultKind.Timeout, TimeoutMs = 1_000, Count = 1 });

        await RunAsync(Engine(client, "contacts", "companies"));
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts", "companies"]);

        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        (await client.Crm.Contacts.BatchUpdateAsync(contacts.Skip(100).Take(300).Select(id => (id, new PropertyBag().Set("firstname", "Again"))))).EnsureAllSucceeded();
        await client.Crm.Contacts.ArchiveAsync(contacts[0]);
        await client.Crm.Companies.ArchiveAsync(companies[1]);
        await RunAsync(Engine(client, "contacts", "companies"));

        foreach (var kind in new[] { FaultKind.Status, FaultKind.RateLimit, FaultKind.Timeout })
        {
            Assert.Contains(Emulator.Faults.List(), f => f.Fired > 0 && f.Rule.Kind == kind);
        }

        Emulator.Faults.Clear();
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts", "companies"]);
    }

    [Fact]
    public async Task Merges_archives_and_restores_during_and_between_passes_end_in_the_portals_state()
    {
        var client = await StartAsync(o => o.ApplyFidelityProfile(FidelityProfile.Strict));
        var admin = new EmulatorAdminClient(Emulator.BaseUri);
        var (contacts, companies) = await SeedAsync(client, contacts: 400, companies: 20);
        Emulator.Clock.Advance(TimeSpan.FromSeconds(10));

        // During the backfill, after its first page: change records on pages already read and on pages to come.
        var changed = false;
        var during = new OnBackfillPage("contacts", () =>
        {
            if (changed)
            {
                return;
            }

            changed = true;
            client.Crm.Contacts.UpdateAsync(contacts[1], new PropertyBag().Set("firstname", "During")).GetAwaiter().GetResult();
            client.Crm.Contacts.ArchiveAsync(contacts[2]).GetAwaiter().GetResult();
            client.Crm.Contacts.ArchiveAsync(contacts[350]).GetAwaiter().GetResult();
            client.Crm.Contacts.MergeAsync(new CrmMergeInput(contacts[3], contacts[4])).GetAwaiter().GetResult();
            client.Crm.Contacts.MergeAsync(new CrmMergeInput(contacts[360], contacts[5])).GetAwaiter().GetResult();
            Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
        });
        await RunAsync(Engine(client, "contacts", "companies"), during);
        Assert.True(changed);
        Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
        await RunAsync(Engine(client, "contacts", "companies"));
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts", "companies"]);

        // Between passes: restore what was archived, archive more, merge a survivor into another.
        Emulator.Clock.Advance(TimeSpan.FromHours(2));
        await admin.RestoreRecordAsync("contacts", contacts[2]);
        await client.Crm.Contacts.ArchiveAsync(contacts[10]);
        await client.Crm.Companies.ArchiveAsync(companies[2]);
        await client.Crm.Contacts.MergeAsync(new CrmMergeInput(contacts[20], contacts[3]));
        Emulator.Clock.Advance(TimeSpan.FromSeconds(10));
        await RunAsync(Engine(client, "contacts", "companies"));

        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts", "companies"]);
        Assert.Equal(contacts[20], await Store.ResolveIdAsync(Emulator.PortalId, "contacts", contacts[4]));
    }

    [Fact]
    public async Task A_property_added_while_a_run_reads_is_mirrored_by_a_later_run()
    {
        var client = await StartAsync();
        var (contacts, _) = await SeedAsync(client, contacts: 300, companies: 0);

        // The property appears (and gets values) after this run read the definitions.
        var added = false;
        var during = new OnBackfillPage("contacts", () =>
        {
            if (added)
            {
                return;
            }

            added = true;
            client.Properties.CreateAsync("contacts", new PropertyCreate
            {
                Name = "loyalty_tier", Label = "Loyalty tier", Type = PropertyType.String, FieldType = PropertyFieldType.Text, GroupName = "contactinformation",
            }).GetAwaiter().GetResult();
            client.Crm.Contacts.BatchUpdateAsync(contacts.Take(150).Select(id => (id, new PropertyBag().Set("loyalty_tier", "gold")))).GetAwaiter().GetResult().EnsureAllSucceeded();
            // A later change that this run's incremental pass also reads moves its bookmark past the values.
            Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
            client.Crm.Contacts.UpdateAsync(contacts[^1], new PropertyBag().Set("firstname", "Later")).GetAwaiter().GetResult();
        });
        await RunAsync(Engine(client, "contacts"), during);
        Assert.True(added);

        // Long after: well past the lookback, so only knowing the property is new can bring its values in.
        Emulator.Clock.Advance(TimeSpan.FromDays(1));
        await RunAsync(Engine(client, "contacts"));

        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts"]);
        var row = Assert.Single(await Store.GetRecordsAsync(Emulator.PortalId, "contacts", [contacts[0]]));
        Assert.Equal("gold", row.Properties["loyalty_tier"]);
    }

    [Fact]
    public async Task A_custom_object_created_between_runs_is_picked_up_by_the_default_object_types()
    {
        var client = await StartAsync();
        await SeedAsync(client, contacts: 20, companies: 3);
        var first = await RunAsync(new SyncEngine(client, Store, new SyncOptions(), Emulator.Clock));

        var schema = await client.Schemas.CreateAsync(new ObjectSchemaCreate
        {
            Name = "machines",
            Labels = new ObjectSchemaLabels { Singular = "Machine", Plural = "Machines" },
            Properties = [new PropertyCreate { Name = "serial", Label = "Serial", Type = PropertyType.String, FieldType = PropertyFieldType.Text }],
            RequiredProperties = ["serial"],
            PrimaryDisplayProperty = "serial",
            AssociatedObjects = ["CONTACT"],
        });
        (await client.Crm.Objects(schema.ObjectTypeId).BatchCreateAsync(Enumerable.Range(0, 130).Select(i => new PropertyBag().Set("serial", $"M-{i}")))).EnsureAllSucceeded();
        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));

        var second = await RunAsync(new SyncEngine(client, Store, new SyncOptions(), Emulator.Clock));

        Assert.DoesNotContain(first.Types, t => t.ObjectType == schema.ObjectTypeId);
        var machines = second.Types.Single(t => t.ObjectType == schema.ObjectTypeId);
        Assert.Equal("backfill", machines.Mode);
        Assert.Equal(130, machines.Records);
        await MirrorAssert.EqualToPortalAsync(client, Store, Emulator.PortalId, ["contacts", "companies", schema.ObjectTypeId]);
    }

    /// <summary>Runs an action (synchronously, on the engine's path) after each committed backfill page of one type.</summary>
    private sealed class OnBackfillPage(string type, Action action) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            if (value.ObjectType == type && value.Phase == "backfill")
            {
                action();
            }
        }
    }
}
