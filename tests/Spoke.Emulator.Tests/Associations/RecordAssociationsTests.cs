using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>Associations through the objects API: <c>?associations=</c> on GET and list, and on create and batch create.</summary>
public sealed class RecordAssociationsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    [Fact]
    public async Task Get_with_associations_lists_v3_type_names()
    {
        var contact = await Contact(_api);
        var primary = await Company(_api);
        var other = await Company(_api);
        var deal = await Deal(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{primary}", new[] { Spec(1) })).Expect(201);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{other}", null)).Expect(200);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/deals/{deal}", null)).Expect(200);

        var reply = (await _api.Get($"/crm/v3/objects/contacts/{contact}?associations=companies,deals,tickets")).Expect(200);

        var companies = reply["associations"]!["companies"]!["results"]!.AsArray().Select(r => (Str(r!["id"]), Str(r["type"]))).ToList();
        Assert.Equal(new[] { (primary, "contact_to_company"), (primary, "contact_to_company_unlabeled"), (other, "contact_to_company_unlabeled") }, companies);
        Assert.Equal(new[] { (deal, "contact_to_deal") }, reply["associations"]!["deals"]!["results"]!.AsArray().Select(r => (Str(r!["id"]), Str(r["type"]))));
        Assert.Null(reply["associations"]!["tickets"]);

        var plain = (await _api.Get($"/crm/v3/objects/contacts/{contact}")).Expect(200);
        Assert.Null(plain.Body!["associations"]);
        (await _api.Get($"/crm/v3/objects/contacts/{contact}?associations=unicorns")).Expect(400);
    }

    [Fact]
    public async Task List_with_associations_carries_them_per_record()
    {
        var company = await Company(_api);
        var contact = await Contact(_api);
        (await _api.Put($"/crm/v4/objects/companies/{company}/associations/default/contacts/{contact}", null)).Expect(200);

        var list = (await _api.Get($"/crm/v3/objects/companies?limit=100&associations=contacts")).Expect(200);
        var record = list["results"]!.AsArray().Single(r => Str(r!["id"]) == company)!;
        Assert.Equal(contact, Str(record["associations"]!["contacts"]!["results"]![0]!["id"]));
        Assert.Equal("company_to_contact_unlabeled", Str(record["associations"]!["contacts"]!["results"]![0]!["type"]));
    }

    [Fact]
    public async Task Create_with_associations_links_the_new_record()
    {
        var company = await Company(_api);
        var created = (await _api.Post("/crm/v3/objects/contacts", new
        {
            properties = new { email = $"{Guid.NewGuid():N}@example.com" },
            associations = new[] { new { to = new { id = company }, types = new[] { Spec(1) } } },
        })).Expect(201);
        var contact = Str(created["id"]);

        Assert.Equal(new[] { 1, 279 }, (await Associated(_api, "contacts", contact, "companies"))[company]);
        Assert.Equal(new[] { 2, 280 }, (await Associated(_api, "companies", company, "contacts"))[contact]);
        Assert.Equal(company, await Property(_api, "contacts", contact, "associatedcompanyid"));
        Assert.Equal("1", await Property(_api, "companies", company, "num_associated_contacts"));
    }

    [Fact]
    public async Task Create_refuses_unknown_targets_and_types_and_creates_nothing()
    {
        var company = await Company(_api);
        var email = $"{Guid.NewGuid():N}@example.com";

        (await _api.Post("/crm/v3/objects/contacts", new
        {
            properties = new { email },
            associations = new[] { new { to = new { id = "999" }, types = new[] { Spec(279) } } },
        })).Expect(400);
        (await _api.Post("/crm/v3/objects/contacts", new
        {
            properties = new { email },
            associations = new[] { new { to = new { id = company }, types = new[] { Spec(280) } } },   // company → contact id
        })).Expect(400);

        var search = (await _api.Get($"/crm/v3/objects/contacts/{email}?idProperty=email"));
        Assert.Equal(404, search.Code);
    }

    [Fact]
    public async Task Batch_create_associations_follow_all_or_nothing()
    {
        var company = await Company(_api);
        var ok = (await _api.Post("/crm/v3/objects/deals/batch/create", new
        {
            inputs = new[]
            {
                new { properties = new { dealname = "A", dealstage = "appointmentscheduled" }, associations = new[] { new { to = new { id = company }, types = new[] { Spec(5) } } } },
                new { properties = new { dealname = "B", dealstage = "appointmentscheduled" }, associations = new[] { new { to = new { id = company }, types = new[] { Spec(341) } } } },
            },
        })).Expect(201);
        var ids = ok["results"]!.AsArray().Select(r => Str(r!["id"])).ToList();
        Assert.Equal(ids.Order(), (await Associated(_api, "companies", company, "deals")).Keys.Order());

        var before = (await Associated(_api, "companies", company, "deals")).Count;
        (await _api.Post("/crm/v3/objects/deals/batch/create", new
        {
            inputs = new[]
            {
                new { properties = new { dealname = "C", dealstage = "appointmentscheduled" }, associations = new[] { new { to = new { id = company }, types = new[] { Spec(341) } } } },
                new { properties = new { dealname = "D", dealstage = "appointmentscheduled" }, associations = new[] { new { to = new { id = "999" }, types = new[] { Spec(341) } } } },
            },
        })).Expect(400);
        Assert.Equal(before, (await Associated(_api, "companies", company, "deals")).Count);
    }
}
