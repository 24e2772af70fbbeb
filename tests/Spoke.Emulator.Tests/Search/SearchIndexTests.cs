using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Search.SearchTestData;

namespace Spoke.Emulator.Tests.Search;

/// <summary>Search sees every write: updates, archives, restores, merges into the index, and never archived records.</summary>
public sealed class SearchIndexTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private async Task<List<string>> ByEmail(string email) =>
        Ids((await fixture.Api.Post(ContactsSearch, Filter("email", "EQ", email))).Expect(200));

    [Fact]
    public async Task Updates_move_records_between_values()
    {
        var ids = await SeedPeople(fixture);
        Assert.Equal([ids["Bob"]], await ByEmail("bob@sample.org"));

        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{ids["Bob"]}", new { properties = new { email = "robert@sample.org" } })).Expect(200);
        Assert.Empty(await ByEmail("bob@sample.org"));
        Assert.Equal([ids["Bob"]], await ByEmail("ROBERT@sample.org"));

        // A cleared value leaves the index; a multi-value enumeration re-indexes every member.
        (await fixture.Api.Patch($"/crm/v3/objects/contacts/{ids["Bob"]}", new { properties = new { email = "", hs_buying_role = "END_USER;CHAMPION" } })).Expect(200);
        Assert.Empty(await ByEmail("robert@sample.org"));
        var endUsers = Names((await fixture.Api.Post(ContactsSearch, Filter("hs_buying_role", "EQ", "END_USER"))).Expect(200));
        Assert.Equal(["Alice", "Bob", "Dave"], endUsers);
    }

    [Fact]
    public async Task Archived_records_are_never_returned_and_come_back_when_restored()
    {
        var ids = await SeedPeople(fixture);
        Assert.Equal([ids["Alice"]], await ByEmail("alice@example.com"));
        (await fixture.Api.Delete($"/crm/v3/objects/contacts/{ids["Alice"]}")).Expect(204);

        Assert.Empty(await ByEmail("alice@example.com"));
        var all = (await fixture.Api.Post(ContactsSearch, new { })).Expect(200);
        Assert.Equal(3, all["total"].GetValue<int>());
        Assert.DoesNotContain(ids["Alice"], Ids(all));
        var scanned = (await fixture.Api.Post(ContactsSearch, Filter("email", "CONTAINS_TOKEN", "*@example.com"))).Expect(200);
        Assert.Equal(["Carol"], Names(scanned));

        // Restore by recreating the same email: the archived record stays out, the new one is found.
        var again = await CreateContact(fixture, new Dictionary<string, string> { ["email"] = "alice@example.com", ["firstname"] = "Alice2" });
        Assert.Equal([again], await ByEmail("alice@example.com"));

        var portal = fixture.Emulator.Portal;
        using (portal.Write())
        {
            var store = portal.Store(portal.ResolveType("contacts"));
            var archived = store.Find(long.Parse(ids["Carol"], System.Globalization.CultureInfo.InvariantCulture))!;
            store.SetArchived(archived, true, portal.Now);
            store.SetArchived(archived, false, portal.Now);
        }

        Assert.Equal(["Carol"], Names((await fixture.Api.Post(ContactsSearch, Filter("email", "EQ", "carol@example.com"))).Expect(200)));
    }

    [Fact]
    public async Task Batch_writes_and_records_added_without_events_are_found()
    {
        fixture.Emulator.Reset();
        Assert.Empty(await ByEmail("batch1@example.com")); // builds the email index while empty
        var inputs = Enumerable.Range(0, 3).Select(i => new { properties = new Dictionary<string, string> { ["email"] = $"batch{i}@example.com" } }).ToArray();
        var created = (await fixture.Api.Post("/crm/v3/objects/contacts/batch/create", new { inputs })).Expect(201);
        var batchId = created["results"].AsArray().Single(r => r!["properties"]!["email"]!.GetValue<string>() == "batch1@example.com")!["id"]!.GetValue<string>();
        Assert.Equal([batchId], await ByEmail("batch1@example.com"));

        // A record restored from storage arrives through ObjectStore.Add, which raises no change event.
        var portal = fixture.Emulator.Portal;
        long restoredId;
        using (portal.Write())
        {
            var store = portal.Store(portal.ResolveType("contacts"));
            var record = new Spoke.Emulator.Objects.CrmRecord(store.NextId++) { CreatedAt = portal.Now, UpdatedAt = portal.Now };
            record.Properties["email"] = new Spoke.Emulator.Objects.PropertyValue("restored@example.com", portal.Now, "API", null, null);
            store.Add(record);
            restoredId = record.Id;
        }

        Assert.Equal([restoredId.ToString(System.Globalization.CultureInfo.InvariantCulture)], await ByEmail("restored@example.com"));
    }

    [Fact]
    public async Task A_reset_empties_search()
    {
        await SeedPeople(fixture);
        Assert.Single(await ByEmail("carol@example.com"));
        fixture.Emulator.Reset();
        Assert.Empty(await ByEmail("carol@example.com"));
        var carol = await CreateContact(fixture, new Dictionary<string, string> { ["email"] = "carol@example.com" });
        Assert.Equal([carol], await ByEmail("carol@example.com"));
    }

    [Fact]
    public async Task Other_object_types_and_defaults_work_too()
    {
        fixture.Emulator.Reset();
        (await fixture.Api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "Big one", amount = "5000", dealstage = "contractsent" } })).Expect(201);
        (await fixture.Api.Post("/crm/v3/objects/deals", new { properties = new { dealname = "Small one", amount = "50", dealstage = "closedwon" } })).Expect(201);
        var reply = (await fixture.Api.Post("/crm/v3/objects/deals/search", new
        {
            filterGroups = new[] { new { filters = new[] { new { propertyName = "amount", @operator = "GTE", value = "100" } } } },
        })).Expect(200);
        Assert.Equal(1, reply["total"].GetValue<int>());
        var properties = Results(reply)[0]!["properties"]!;
        Assert.Equal("Big one", properties["dealname"]!.GetValue<string>());
        Assert.Equal("default", properties["pipeline"]!.GetValue<string>());
        Assert.NotNull(properties["hs_lastmodifieddate"]);

        var byStage = (await fixture.Api.Post("/crm/v3/objects/deals/search", new { query = "big" })).Expect(200);
        Assert.Equal(1, byStage["total"].GetValue<int>());
    }
}
