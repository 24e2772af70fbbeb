using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Seeding;

/// <summary>
/// The demo portal at its default size, as a client (a sync) sees it over HTTP: every type of the seed has records,
/// they are associated through the v4 API both ways, line items point to real products, the custom object is a real
/// schema, every owner is a real owner, and the same flags give the same portal.
/// </summary>
public sealed class DemoPortalTests : IClassFixture<DemoPortalTests.DemoFixture>
{
    // HubSpot's default association type ids (both directions): plain and primary.
    private const int ContactToCompany = 279, CompanyToContact = 280, ContactToCompanyPrimary = 1, CompanyToContactPrimary = 2;

    private readonly Api _api;

    public DemoPortalTests(DemoFixture fixture) => _api = fixture.Inner.Api;

    public sealed class DemoFixture : IAsyncLifetime
    {
        public EmulatorFixture Inner { get; } = new() { Configure = o => o.Seed = SeedKind.Demo };

        public Task InitializeAsync() => Inner.InitializeAsync();

        public Task DisposeAsync() => Inner.DisposeAsync();
    }

    [Fact]
    public async Task Every_type_of_the_demo_portal_has_records_in_the_documented_proportions()
    {
        // The default size: 100 contacts.
        var expected = new Dictionary<string, int>
        {
            ["companies"] = 20, ["contacts"] = 100, ["products"] = 10, ["deals"] = 50, ["line_items"] = 99,
            ["tickets"] = 25, ["notes"] = 50, ["tasks"] = 25, ["p_projects"] = 10,
        };
        foreach (var (type, count) in expected)
        {
            Assert.True(count == (await All(type)).Count, $"{type}: expected {count}");
        }
    }

    [Fact]
    public async Task Every_contact_has_a_primary_company_readable_from_both_sides_of_the_v4_api()
    {
        var contacts = await All("contacts", "associatedcompanyid");
        foreach (var contact in contacts)
        {
            var id = Id(contact);
            var company = Assert.Single(await Associations("contacts", id, "companies"));
            Assert.Equal(
                [("HUBSPOT_DEFINED", ContactToCompanyPrimary, "Primary"), ("HUBSPOT_DEFINED", ContactToCompany, null)],
                company.Types.OrderBy(t => t.TypeId));
            // The calculated primary company id follows the association, as after a v4 PUT.
            Assert.Equal(company.ToId.ToString(CultureInfo.InvariantCulture), Property(contact, "associatedcompanyid"));

            var back = (await Associations("companies", company.ToId.ToString(CultureInfo.InvariantCulture), "contacts")).Single(a => a.ToId == long.Parse(id, CultureInfo.InvariantCulture));
            Assert.Equal(
                [("HUBSPOT_DEFINED", CompanyToContactPrimary, "Primary"), ("HUBSPOT_DEFINED", CompanyToContact, null)],
                back.Types.OrderBy(t => t.TypeId));
        }

        // Some companies have several people: the seed is not one contact per company.
        var companies = await All("companies", "num_associated_contacts");
        Assert.Equal(contacts.Count, companies.Sum(c => int.Parse(Property(c, "num_associated_contacts") ?? "0", CultureInfo.InvariantCulture)));
        Assert.Contains(companies, c => int.Parse(Property(c, "num_associated_contacts") ?? "0", CultureInfo.InvariantCulture) > 1);
    }

    [Fact]
    public async Task Every_deal_has_a_contact_and_that_contacts_company_as_its_primary_company()
    {
        foreach (var deal in await All("deals"))
        {
            var id = Id(deal);
            var contact = Assert.Single(await Associations("deals", id, "contacts"));
            var company = Assert.Single(await Associations("deals", id, "companies"));
            Assert.Contains(company.Types, t => t.Label == "Primary");
            var contactsCompany = Assert.Single(await Associations("contacts", contact.ToId.ToString(CultureInfo.InvariantCulture), "companies"));
            Assert.Equal(contactsCompany.ToId, company.ToId);
            Assert.Contains(await Associations("contacts", contact.ToId.ToString(CultureInfo.InvariantCulture), "deals"), a => a.ToId.ToString(CultureInfo.InvariantCulture) == id);
        }
    }

    [Fact]
    public async Task Line_items_belong_to_a_deal_point_to_an_existing_product_and_add_up_to_the_deal_amount()
    {
        var products = (await All("products", "name", "price")).ToDictionary(Id);
        var dealAmounts = (await All("deals", "amount")).ToDictionary(Id, d => decimal.Parse(Property(d, "amount")!, CultureInfo.InvariantCulture));
        var sums = new Dictionary<string, decimal>();
        foreach (var item in await All("line_items", "hs_product_id", "name", "price", "quantity", "amount"))
        {
            var product = products[Property(item, "hs_product_id")!];
            Assert.Equal(Property(product, "name"), Property(item, "name"));
            Assert.Equal(Property(product, "price"), Property(item, "price"));
            var deal = Assert.Single(await Associations("line_items", Id(item), "deals"));
            var dealId = deal.ToId.ToString(CultureInfo.InvariantCulture);
            Assert.Contains(await Associations("deals", dealId, "line_items"), a => a.ToId.ToString(CultureInfo.InvariantCulture) == Id(item));
            sums[dealId] = sums.GetValueOrDefault(dealId) + decimal.Parse(Property(item, "amount")!, CultureInfo.InvariantCulture);
        }

        // Every deal sold something, and is worth what its line items add up to.
        Assert.Equal(dealAmounts.OrderBy(d => d.Key), sums.OrderBy(d => d.Key));
    }

    [Fact]
    public async Task Tickets_notes_and_tasks_are_about_a_contact_and_notes_and_tasks_carry_their_activity_date()
    {
        foreach (var ticket in await All("tickets"))
        {
            Assert.Single(await Associations("tickets", Id(ticket), "contacts"));
        }

        foreach (var type in new[] { "notes", "tasks" })
        {
            var withDeal = 0;
            foreach (var engagement in await All(type, "hs_timestamp"))
            {
                Assert.False(string.IsNullOrEmpty(Property(engagement, "hs_timestamp")), $"{type} {Id(engagement)} has no hs_timestamp");
                Assert.Single(await Associations(type, Id(engagement), "contacts"));
                withDeal += (await Associations(type, Id(engagement), "deals")).Count;
            }

            Assert.True(withDeal > 0, $"no {type} about a deal");
        }
    }

    [Fact]
    public async Task The_projects_custom_object_is_a_listed_schema_whose_records_belong_to_companies()
    {
        var schemas = (await _api.Get("/crm/v3/schemas")).Expect(200)["results"].AsArray();
        var schema = Assert.Single(schemas, s => (string?)s!["name"] == "projects")!;
        Assert.Equal("Project", (string?)schema["labels"]!["singular"]);
        var typeId = (string)schema["objectTypeId"]!;
        var properties = schema["properties"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.Superset(new HashSet<string> { "project_name", "status", "budget", "start_date", "due_date" }, properties.ToHashSet());
        var companyTypeId = "0-2";
        Assert.Contains(schema["associations"]!.AsArray(), a => (string?)a!["toObjectTypeId"] == companyTypeId);

        var projects = await All(typeId, "project_name", "status", "budget", "start_date");
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            Assert.False(string.IsNullOrEmpty(Property(project, "project_name")));
            var company = Assert.Single(await Associations(typeId, Id(project), "companies"));
            Assert.Contains(await Associations("companies", company.ToId.ToString(CultureInfo.InvariantCulture), typeId), a => a.ToId.ToString(CultureInfo.InvariantCulture) == Id(project));
        }
    }

    [Fact]
    public async Task Records_are_owned_by_several_of_the_portals_owners_and_by_no_one_else()
    {
        var owners = (await _api.Get("/crm/v3/owners")).Expect(200)["results"].AsArray().Select(o => (string)o!["id"]!).ToHashSet();
        var used = new HashSet<string>();
        foreach (var type in new[] { "companies", "contacts", "deals", "tickets", "notes", "tasks" })
        {
            foreach (var record in await All(type, "hubspot_owner_id"))
            {
                var owner = Property(record, "hubspot_owner_id");
                Assert.True(owner is not null && owners.Contains(owner), $"{type} {Id(record)} is owned by {owner ?? "no one"}");
                used.Add(owner!);
            }
        }

        Assert.True(used.Count > 1, "every record has the same owner");
    }

    [Fact]
    public async Task The_same_flags_give_the_same_portal_and_another_seed_value_another()
    {
        var mine = await Snapshot(_api);
        Assert.Equal(mine, await SnapshotOfNew(42));
        Assert.NotEqual(mine, await SnapshotOfNew(43));
    }

    private static async Task<string> SnapshotOfNew(int seedValue)
    {
        var fixture = new EmulatorFixture { Configure = o => { o.Seed = SeedKind.Demo; o.SeedValue = seedValue; } };
        await fixture.InitializeAsync();
        try
        {
            return await Snapshot(fixture.Api);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    /// <summary>Every record of the seed with all its properties and associations, as the API answers them.</summary>
    private static async Task<string> Snapshot(Api api)
    {
        var text = new StringBuilder();
        var types = new[] { "companies", "contacts", "products", "deals", "line_items", "tickets", "notes", "tasks", "p_projects" };
        foreach (var type in types)
        {
            var names = (await api.Get($"/crm/v3/properties/{type}")).Expect(200)["results"].AsArray().Select(p => (string)p!["name"]!).Order(StringComparer.Ordinal);
            foreach (var record in await All(api, type, [.. names]))
            {
                text.Append(type).Append(' ').Append(record.ToJsonString()).Append('\n');
                foreach (var other in types.Where(t => t != type))
                {
                    var reply = await api.Get($"/crm/v4/objects/{type}/{Id(record)}/associations/{other}");
                    if (reply.Code == 200)
                    {
                        text.Append("  ").Append(other).Append(' ').Append(reply.Text).Append('\n');
                    }
                }
            }
        }

        return text.ToString();
    }

    private Task<List<JsonNode>> All(string type, params string[] properties) => All(_api, type, properties);

    /// <summary>Every record of a type, paging through the list API.</summary>
    private static async Task<List<JsonNode>> All(Api api, string type, params string[] properties)
    {
        var records = new List<JsonNode>();
        var query = properties.Length > 0 ? "&properties=" + string.Join(",", properties) : "";
        string? after = null;
        do
        {
            var page = (await api.Get($"/crm/v3/objects/{type}?limit=100{query}{(after is null ? "" : "&after=" + after)}")).Expect(200);
            records.AddRange(page["results"].AsArray().Select(r => r!));
            after = (string?)page.Body!["paging"]?["next"]?["after"];
        }
        while (after is not null);
        return records;
    }

    private async Task<List<(long ToId, List<(string Category, int TypeId, string? Label)> Types)>> Associations(string fromType, string id, string toType)
    {
        var reply = (await _api.Get($"/crm/v4/objects/{fromType}/{id}/associations/{toType}")).Expect(200);
        Assert.Null(reply.Body!["paging"]);
        return [.. reply["results"].AsArray().Select(r => (
            (long)r!["toObjectId"]!,
            r["associationTypes"]!.AsArray().Select(t => ((string)t!["category"]!, (int)t["typeId"]!, (string?)t["label"])).ToList()))];
    }

    private static string Id(JsonNode record) => (string)record["id"]!;

    private static string? Property(JsonNode record, string name) => (string?)record["properties"]![name];
}
