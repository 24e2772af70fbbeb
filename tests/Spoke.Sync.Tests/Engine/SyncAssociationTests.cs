using Spoke.Associations;
using Spoke.Crm;
using Spoke.Emulator;
using Spoke.Sync.Engine;
using Spoke.Sync.Store;
using Spoke.Sync.Tests.Infrastructure;
using Spoke.Webhooks.Tests.Infrastructure;

namespace Spoke.Sync.Tests.Engine;

/// <summary>
/// Association mirroring: the backfill's inline edges against v4 batch reads, and association changes that only the
/// other side's last-modified time shows. Its own emulator, so a test can flip the emulator's fidelity switches.
/// </summary>
public sealed class SyncAssociationTests : IAsyncLifetime
{
    private static readonly string[] Types = ["contacts", "companies", "deals"];
    private readonly TempInboxDirectory _directory = new("sync-associations");
    private readonly HubSpotEmulatorOptions _emulatorOptions = new()
    {
        Clock = EmulatorClock.FrozenAt(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)),
    };

    private HubSpotEmulator _emulator = null!;
    private HubSpotClient _client = null!;
    private ISyncStore _store = null!;

    public async Task InitializeAsync()
    {
        _emulator = await HubSpotEmulator.StartAsync(_emulatorOptions);
        _client = new HubSpotClient(new HubSpotClientOptions { BaseUri = _emulator.BaseUri, AccessToken = _emulator.Token });
        _store = await SqliteSyncStore.OpenAsync(_directory.File("mirror.db"));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _emulator.DisposeAsync();
        _directory.Dispose();
    }

    private static SyncOptions Options(bool inline = true, params string[] types)
    {
        var options = new SyncOptions { InlineAssociations = inline };
        foreach (var type in types.Length == 0 ? Types : types)
        {
            options.ObjectTypes.Add(type);
        }

        return options;
    }

    private async Task<List<string>> CreateAsync(string type, int count, Func<int, PropertyBag> properties) =>
        [.. (await _client.Crm.Objects(type).BatchCreateAsync(Enumerable.Range(0, count).Select(properties))).EnsureAllSucceeded().Values.Select(r => r.Id)];

    /// <summary>
    /// The first run, far enough after the seed (all on one frozen instant) that the next incremental pass, which re-reads
    /// from its bookmark less the lookback, reads only what changed after it.
    /// </summary>
    private async Task FirstRunPastTheLookbackAsync(SyncOptions options)
    {
        _emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var first = await new SyncEngine(_client, _store, options, _emulator.Clock).RunAsync();
        Assert.True(first.Succeeded, string.Join("; ", first.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
    }

    [Fact]
    public async Task Inline_backfill_mirrors_what_v4_reads_mirror_with_long_lists_primary_custom_and_unmapped_labels_and_fewer_calls()
    {
        var companies = await CreateAsync("companies", 130, i => new PropertyBag().Set("name", $"Company {i}"));
        var contacts = await CreateAsync("contacts", 250, i => new PropertyBag().Set("email", $"p{i}@example.com"));
        var deals = await CreateAsync("deals", 10, i => new PropertyBag().Set("dealname", $"Deal {i}").Set("dealstage", "appointmentscheduled"));
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contacts.Select((id, i) => new AssociationPair(id, companies[i % companies.Count])))).EnsureAllSucceeded();
        // More companies than HubSpot lists inline for one record: that page must fall back to v4.
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies", companies.Select(c => new AssociationPair(contacts[150], c)))).EnsureAllSucceeded();
        await _client.Associations.CreateAsync("contacts", contacts[1], "companies", companies[1], [AssociationTypes.ContactToCompanyPrimary, AssociationTypes.ContactToCompany]);
        var billing = (await _client.Associations.CreateLabelAsync("contacts", "companies", new AssociationLabelCreateInput("billing", "Billing")))[0];
        await _client.Associations.CreateAsync("contacts", contacts[2], "companies", companies[2], [billing, AssociationTypes.ContactToCompany]);
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "deals", deals.Select((d, i) => new AssociationPair(contacts[3 + i], d)))).EnsureAllSucceeded();

        // A label made after the run mapped the v3 names (on its first page) is unmapped for the rest of the run.
        var late = new LabelAfterFirstPage(_client, contacts[200], companies[200 % companies.Count]);
        // Past the lookback, so the run's incremental pass re-reads nothing and every edge comes from the backfill.
        _emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var inline = await new SyncEngine(_client, _store, Options(), _emulator.Clock).RunAsync(late);
        Assert.True(inline.Succeeded, string.Join("; ", inline.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        Assert.NotNull(late.Label);

        await MirrorAssert.EqualToPortalAsync(_client, _store, _emulator.PortalId, Types);
        Assert.Equal(companies.Count, (await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[150])).Count(e => e.ToType == "companies"));
        Assert.Contains(await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[200]),
            e => e.TypeId == late.Label!.TypeId && e.Label == "Late" && e.Category == "USER_DEFINED");
        Assert.Contains(await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[1]),
            e => e.TypeId == AssociationTypes.ContactToCompanyPrimary.TypeId && e.Label == "Primary" && e.Category == "HUBSPOT_DEFINED");

        await using var v4Store = await SqliteSyncStore.OpenAsync(_directory.File("v4.db"));
        var v4 = await new SyncEngine(_client, v4Store, Options(inline: false), _emulator.Clock).RunAsync();
        Assert.True(v4.Succeeded);
        foreach (var type in Types)
        {
            await foreach (var id in _store.StreamIdsAsync(_emulator.PortalId, type, includeArchived: true))
            {
                Assert.Equal(await v4Store.GetAssociationsAsync(_emulator.PortalId, type, id), await _store.GetAssociationsAsync(_emulator.PortalId, type, id));
            }
        }

        var inlineCalls = inline.Types.Single(t => t.ObjectType == "contacts").ApiCalls;
        var v4Calls = v4.Types.Single(t => t.ObjectType == "contacts").ApiCalls;
        Assert.True(inlineCalls < v4Calls, $"contacts: {inlineCalls} calls inline, {v4Calls} by v4 batch reads");
    }

    [Fact]
    public async Task A_type_added_to_the_run_later_gets_its_edges_read_once_from_the_same_side_whatever_order_the_types_are_asked_in()
    {
        var companies = await CreateAsync("companies", 5, i => new PropertyBag().Set("name", $"Company {i}"));
        var contacts = await CreateAsync("contacts", 150, i => new PropertyBag().Set("email", $"p{i}@example.com"));
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contacts.Select((id, i) => new AssociationPair(id, companies[i % companies.Count])))).EnsureAllSucceeded();
        await FirstRunPastTheLookbackAsync(Options(true, "contacts"));
        Assert.Equal(0, await _store.CountAssociationsAsync(_emulator.PortalId, "contacts", "companies"));

        // Companies join the run (asked first): the contacts were backfilled without them, and nothing about them changed.
        _emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var added = await new SyncEngine(_client, _store, Options(true, "companies", "contacts"), _emulator.Clock).RunAsync();

        Assert.True(added.Succeeded, string.Join("; ", added.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        Assert.Equal(["contacts", "companies"], added.Types.Select(t => t.ObjectType));
        Assert.Equal(contacts.Count, await _store.CountAssociationsAsync(_emulator.PortalId, "contacts", "companies"));
        Assert.Equal(0, await _store.CountAssociationsAsync(_emulator.PortalId, "companies", "contacts"));
        await MirrorAssert.EqualToPortalAsync(_client, _store, _emulator.PortalId, ["contacts", "companies"]);

        // Read once: the next run, with nothing changed, reads no edge again.
        _emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        var next = await new SyncEngine(_client, _store, Options(true, "contacts", "companies"), _emulator.Clock).RunAsync();
        Assert.True(next.Succeeded);
        Assert.Equal(0, next.Types.Sum(t => t.Associations));
        Assert.Equal(contacts.Count, await _store.CountAssociationsAsync(_emulator.PortalId, "contacts", "companies"));
    }

    [Fact]
    public async Task An_association_change_seen_only_on_the_target_side_is_mirrored_by_reading_the_source_side_again()
    {
        var companies = await CreateAsync("companies", 5, i => new PropertyBag().Set("name", $"Company {i}"));
        var contacts = await CreateAsync("contacts", 20, i => new PropertyBag().Set("email", $"p{i}@example.com"));
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contacts.Select((id, i) => new AssociationPair(id, companies[i % companies.Count])))).EnsureAllSucceeded();
        await FirstRunPastTheLookbackAsync(Options(true, "contacts", "companies"));

        // Nothing moves a contact's last-modified time: only the companies change (a rename), so only their pass sees it.
        _emulatorOptions.Fidelity.AssociationRecalculationTouchesLastModified = false;
        _emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        var before = await _client.Crm.Contacts.BatchReadAsync([contacts[0], contacts[1]], new CrmReadOptions { Properties = ["lastmodifieddate"] });
        await _client.Associations.ArchiveAsync("contacts", contacts[0], "companies", companies[0]);
        await _client.Associations.CreateDefaultAsync("contacts", contacts[1], "companies", companies[2]);
        await _client.Crm.Companies.UpdateAsync(companies[0], new PropertyBag().Set("name", "Renamed 0"));
        await _client.Crm.Companies.UpdateAsync(companies[2], new PropertyBag().Set("name", "Renamed 2"));
        var after = await _client.Crm.Contacts.BatchReadAsync([contacts[0], contacts[1]], new CrmReadOptions { Properties = ["lastmodifieddate"] });
        Assert.Equal(before.Values.Select(r => r.Properties.GetString("lastmodifieddate")).Order(), after.Values.Select(r => r.Properties.GetString("lastmodifieddate")).Order());
        _emulator.Clock.Advance(TimeSpan.FromMinutes(1));

        var run = await new SyncEngine(_client, _store, Options(true, "contacts", "companies"), _emulator.Clock).RunAsync();

        Assert.True(run.Succeeded, string.Join("; ", run.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        Assert.Equal(0, run.Types.Single(t => t.ObjectType == "contacts").Records);
        Assert.DoesNotContain(await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[0]), e => e.ToType == "companies");
        Assert.Equal([companies[1], companies[2]], (await _store.GetAssociationsAsync(_emulator.PortalId, "contacts", contacts[1]))
            .Where(e => e.ToType == "companies").Select(e => e.ToId).Distinct().Order(StringComparer.Ordinal));
        // Every other contact keeps its one company.
        Assert.Equal(contacts.Count, await _store.CountAssociationsAsync(_emulator.PortalId, "contacts", "companies"));
    }

    [Fact]
    public async Task An_association_only_change_is_mirrored_with_its_roll_ups_when_recalculation_moves_last_modified()
    {
        var companies = await CreateAsync("companies", 5, i => new PropertyBag().Set("name", $"Company {i}"));
        var contacts = await CreateAsync("contacts", 20, i => new PropertyBag().Set("email", $"p{i}@example.com"));
        var deals = await CreateAsync("deals", 3, i => new PropertyBag().Set("dealname", $"Deal {i}").Set("dealstage", "appointmentscheduled"));
        (await _client.Associations.BatchCreateDefaultAsync("contacts", "companies",
            contacts.Select((id, i) => new AssociationPair(id, companies[i % companies.Count])))).EnsureAllSucceeded();
        await FirstRunPastTheLookbackAsync(Options());

        _emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        await _client.Associations.ArchiveAsync("contacts", contacts[0], "companies", companies[0]);
        await _client.Associations.CreateDefaultAsync("contacts", contacts[1], "companies", companies[2]);
        await _client.Associations.CreateDefaultAsync("companies", companies[3], "deals", deals[0]);
        await _client.Associations.CreateDefaultAsync("contacts", contacts[4], "deals", deals[1]);
        _emulator.Clock.Advance(TimeSpan.FromMinutes(1));

        var run = await new SyncEngine(_client, _store, Options(), _emulator.Clock).RunAsync();

        Assert.True(run.Succeeded, string.Join("; ", run.Types.Select(t => $"{t.ObjectType}: {t.Error}")));
        Assert.All(run.Types, t => Assert.Equal("incremental", t.Mode));
        await MirrorAssert.EqualToPortalAsync(_client, _store, _emulator.PortalId, Types);
    }

    [Fact]
    public async Task Association_targets_asked_by_types_running_at_once_read_each_pair_once_and_agree()
    {
        var targets = new AssociationTargets(_client, Types);
        var calls = 0;
        void Count() => Interlocked.Increment(ref calls);

        // Every type asks for everything at once, eight times over, as types running concurrently would.
        var asks = Enumerable.Range(0, 8).SelectMany(_ => Types).Select(type => Task.Run(async () =>
        {
            var to = await targets.ForAsync(type, Count, CancellationToken.None);
            var from = await targets.SourcesOfAsync(type, Count, CancellationToken.None);
            var names = await Task.WhenAll(to.Select(t => targets.NamesAsync(type, t, Count, CancellationToken.None)));
            return (type, to, from, names);
        })).ToList();
        var answers = await Task.WhenAll(asks);

        foreach (var group in answers.GroupBy(a => a.type))
        {
            Assert.Single(group.Select(a => string.Join(",", a.to)).Distinct());
            Assert.Single(group.Select(a => string.Join(",", a.from)).Distinct());
        }

        Assert.Equal(["companies", "deals"], answers.First(a => a.type == "contacts").to);
        Assert.Equal(["contacts", "companies"], answers.First(a => a.type == "deals").from);
        Assert.Equal("contact_to_company_unlabeled", answers.First(a => a.type == "contacts").names[0]!
            .Single(kv => kv.Value.TypeId == AssociationTypes.ContactToCompany.TypeId).Key);
        // Three pairs of types: one labels call and one v3 type list each, however many asked.
        Assert.Equal(6, calls);
    }

    /// <summary>After the contacts backfill's first page, creates a label and puts it on a pair listed on a later page.</summary>
    private sealed class LabelAfterFirstPage(HubSpotClient client, string contact, string company) : IProgress<SyncProgress>
    {
        public AssociationType? Label { get; private set; }

        public void Report(SyncProgress value)
        {
            if (Label is null && value is { ObjectType: "contacts", Phase: "backfill" })
            {
                // The engine reports synchronously between pages: the label exists before the next page is listed.
                Label = Task.Run(async () =>
                {
                    var made = (await client.Associations.CreateLabelAsync("contacts", "companies", new AssociationLabelCreateInput("late", "Late")))[0];
                    await client.Associations.CreateAsync("contacts", contact, "companies", company, [made, AssociationTypes.ContactToCompany]);
                    return made;
                }).GetAwaiter().GetResult();
            }
        }
    }
}
