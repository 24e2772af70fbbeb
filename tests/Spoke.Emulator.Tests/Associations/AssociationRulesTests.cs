using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>HubSpot's association semantics: primary companies, label replacement, archived records, counts, limits.</summary>
public sealed class AssociationRulesTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    [Fact]
    public async Task A_new_primary_company_replaces_the_old_one_which_stays_associated()
    {
        var contact = await Contact(_api);
        var first = await Company(_api);
        var second = await Company(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{first}", new[] { Spec(1) })).Expect(201);
        Assert.Equal(first, await Property(_api, "contacts", contact, "associatedcompanyid"));

        // Set from the company's side (company → contact primary is 2): the contact's primary moves all the same.
        (await _api.Put($"/crm/v4/objects/companies/{second}/associations/contacts/{contact}", new[] { Spec(2) })).Expect(201);

        var associated = await Associated(_api, "contacts", contact, "companies");
        Assert.Equal(new[] { 279 }, associated[first]);
        Assert.Equal(new[] { 1, 279 }, associated[second]);
        Assert.Equal(new[] { 280 }, (await Associated(_api, "companies", first, "contacts"))[contact]);
        Assert.Equal(second, await Property(_api, "contacts", contact, "associatedcompanyid"));

        (await _api.Delete($"/crm/v4/objects/contacts/{contact}/associations/companies/{second}")).Expect(204);
        Assert.Null(await Property(_api, "contacts", contact, "associatedcompanyid"));
    }

    [Fact]
    public async Task A_labelled_create_replaces_the_pairs_labels_unless_they_are_sent_again()
    {
        var name = $"champion_{Guid.NewGuid():N}"[..21];
        var label = (await _api.Post("/crm/v4/associations/contacts/companies/labels", new { name, label = "Champion" })).Expect(200);
        var champion = label["results"]![0]!["typeId"]!.GetValue<int>();
        var contact = await Contact(_api);
        var company = await Company(_api);
        var path = $"/crm/v4/objects/contacts/{contact}/associations/companies/{company}";

        (await _api.Put(path, new[] { Spec(1) })).Expect(201);
        var replaced = (await _api.Put(path, new[] { Spec(champion, "USER_DEFINED") })).Expect(201);
        Assert.Equal(new[] { "Champion" }, replaced["labels"]!.AsArray().Select(Str));
        Assert.Equal(new[] { 279, champion }, (await Associated(_api, "contacts", contact, "companies"))[company]);

        var both = (await _api.Put(path, new[] { Spec(1), Spec(champion, "USER_DEFINED") })).Expect(201);
        Assert.Equal(2, both["labels"]!.AsArray().Count);
        Assert.Equal(new[] { 1, 279, champion }, (await Associated(_api, "contacts", contact, "companies"))[company]);
    }

    [Fact]
    public async Task Archived_records_are_hidden_and_uncounted_until_restored()
    {
        var company = await Company(_api);
        var kept = await Contact(_api);
        var archived = await Contact(_api);
        foreach (var c in new[] { kept, archived })
        {
            (await _api.Put($"/crm/v4/objects/contacts/{c}/associations/default/companies/{company}", null)).Expect(200);
        }

        Assert.Equal("2", await Property(_api, "companies", company, "num_associated_contacts"));

        (await _api.Delete($"/crm/v3/objects/contacts/{archived}")).Expect(204);

        Assert.Equal(new[] { kept }, (await Associated(_api, "companies", company, "contacts")).Keys);
        Assert.Equal("1", await Property(_api, "companies", company, "num_associated_contacts"));
        var v3 = (await _api.Get($"/crm/v3/objects/companies/{company}?associations=contacts")).Expect(200);
        Assert.Single(v3["associations"]!["contacts"]!["results"]!.AsArray());

        // No restore endpoint exists in v3; restore through the store as HubSpot's UI would.
        var portal = fixture.Emulator.Portal;
        using (portal.Write())
        {
            var store = portal.Store(portal.ResolveType("contacts"));
            store.SetArchived(store.Find(long.Parse(archived))!, false, portal.Now);
        }

        Assert.Equal(new[] { archived, kept }.Order(), (await Associated(_api, "companies", company, "contacts")).Keys.Order());
        Assert.Equal("2", await Property(_api, "companies", company, "num_associated_contacts"));
    }

    [Fact]
    public async Task Counts_follow_every_change()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);
        var deal = await Deal(_api);

        (await _api.Put($"/crm/v4/objects/deals/{deal}/associations/default/contacts/{contact}", null)).Expect(200);
        (await _api.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{company}", null)).Expect(200);

        Assert.Equal("1", await Property(_api, "deals", deal, "num_associated_contacts"));
        Assert.Equal("1", await Property(_api, "contacts", contact, "num_associated_deals"));
        Assert.Equal("1", await Property(_api, "companies", company, "num_associated_deals"));
        var history = (await _api.Get($"/crm/v3/objects/contacts/{contact}?propertiesWithHistory=num_associated_deals")).Expect(200);
        Assert.Equal("CALCULATED", Str(history["propertiesWithHistory"]!["num_associated_deals"]![0]!["sourceType"]));

        (await _api.Delete($"/crm/v3/objects/deals/{deal}")).Expect(204);
        Assert.Equal("0", await Property(_api, "contacts", contact, "num_associated_deals"));
        Assert.Equal("0", await Property(_api, "companies", company, "num_associated_deals"));
    }

    [Fact]
    public async Task The_default_per_type_limit_answers_400()
    {
        var fidelity = fixture.Emulator.Portal.Fidelity;
        var before = fidelity.AssociationMaxPerRecordPerType;
        fidelity.AssociationMaxPerRecordPerType = 2;
        try
        {
            var contact = await Contact(_api);
            (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/tickets/{await Ticket()}", null)).Expect(200);
            (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/tickets/{await Ticket()}", null)).Expect(200);
            var refused = (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/tickets/{await Ticket()}", null)).Expect(400);
            Assert.Equal("VALIDATION_ERROR", Str(refused["category"]));
            Assert.Contains("limit is 2", Str(refused["message"]));
            Assert.Equal(2, (await Associated(_api, "contacts", contact, "tickets")).Count);
        }
        finally
        {
            fidelity.AssociationMaxPerRecordPerType = before;
        }
    }

    [Fact]
    public async Task Types_that_cant_be_associated_answer_400()
    {
        var product = Str((await _api.Post("/crm/v3/objects/products", new { properties = new { name = "Widget" } })).Expect(201)["id"]);
        var contact = await Contact(_api);

        var reply = (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/products/{product}", null)).Expect(400);
        Assert.Contains("can't be associated", Str(reply["message"]));
    }

    [Fact]
    public async Task Reset_clears_associations_and_the_rules_keep_working_afterwards()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);
        Assert.NotEqual(0, fixture.Emulator.Portal.Associations.Count);

        fixture.Emulator.Reset();

        Assert.Equal(0, fixture.Emulator.Portal.Associations.Count);
        var a = await Contact(_api);
        var b = await Contact(_api);
        var c = await Company(_api);
        foreach (var x in new[] { a, b })
        {
            (await _api.Put($"/crm/v4/objects/contacts/{x}/associations/default/companies/{c}", null)).Expect(200);
        }

        (await _api.Delete($"/crm/v3/objects/contacts/{a}")).Expect(204);
        Assert.Equal("1", await Property(_api, "companies", c, "num_associated_contacts"));
    }

    private async Task<string> Ticket() =>
        Str((await _api.Post("/crm/v3/objects/tickets", new { properties = new { subject = "Help", hs_pipeline = "0", hs_pipeline_stage = "1" } })).Expect(201)["id"]);
}
