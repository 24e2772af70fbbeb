using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>The legacy v3 associations API and the v3 object-path form.</summary>
public sealed class AssociationsV3Tests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    [Fact]
    public async Task Types_lists_ids_and_names()
    {
        var reply = (await _api.Get("/crm/v3/associations/contacts/companies/types")).Expect(200);
        var types = reply["results"]!.AsArray().ToDictionary(r => Str(r!["id"]), r => Str(r!["name"]));
        Assert.Equal("contact_to_company", types["1"]);
        Assert.Equal("contact_to_company_unlabeled", types["279"]);
        Assert.Equal("deal_to_contact", Str((await _api.Get("/crm/v3/associations/deals/contacts/types")).Expect(200)["results"]![0]!["name"]));
    }

    [Fact]
    public async Task Batch_create_read_and_archive_by_type_name()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);

        var created = (await _api.Post("/crm/v3/associations/contacts/companies/batch/create", new
        {
            inputs = new[] { new { from = new { id = contact }, to = new { id = company }, type = "contact_to_company" } },
        })).Expect(201);
        Assert.Equal("contact_to_company", Str(created["results"]![0]!["type"]));
        Assert.Equal(new[] { 1, 279 }, (await Associated(_api, "contacts", contact, "companies"))[company]);

        var read = (await _api.Post("/crm/v3/associations/contacts/companies/batch/read", new { inputs = new[] { new { id = contact } } })).Expect(200);
        Assert.Equal(contact, Str(read["results"]![0]!["from"]!["id"]));
        Assert.Equal(new[] { "contact_to_company", "contact_to_company_unlabeled" }, read["results"]![0]!["to"]!.AsArray().Select(t => Str(t!["type"])));

        (await _api.Post("/crm/v3/associations/contacts/companies/batch/archive", new
        {
            inputs = new[] { new { from = new { id = contact }, to = new { id = company }, type = "contact_to_company_unlabeled" } },
        })).Expect(204);
        Assert.Empty(await Associated(_api, "contacts", contact, "companies"));
        (await _api.Post("/crm/v3/associations/contacts/companies/batch/read", new { inputs = new[] { new { id = contact } } })).Expect(207);
    }

    [Fact]
    public async Task Batch_create_reports_bad_type_names_per_input()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);
        var reply = (await _api.Post("/crm/v3/associations/contacts/companies/batch/create", new
        {
            inputs = new[]
            {
                new { from = new { id = contact }, to = new { id = company }, type = "contact_to_deal" },
                new { from = new { id = contact }, to = new { id = company }, type = "contact_to_company_unlabeled" },
            },
        })).Expect(207);
        Assert.Single(reply["results"]!.AsArray());
        Assert.Equal("VALIDATION_ERROR", Str(reply["errors"]![0]!["category"]));
    }

    [Fact]
    public async Task Object_path_put_and_delete()
    {
        var contact = await Contact(_api);
        var deal = await Deal(_api);

        var put = (await _api.Put($"/crm/v3/objects/deals/{deal}/associations/contacts/{contact}/deal_to_contact", null)).Expect(200);
        Assert.Equal(deal, Str(put["id"]));
        Assert.Equal(contact, Str(put["associations"]!["contacts"]!["results"]![0]!["id"]));
        var listed = (await _api.Get($"/crm/v3/objects/contacts/{contact}/associations/deals")).Expect(200);
        Assert.Equal(new[] { (deal, "contact_to_deal") }, listed["results"]!.AsArray().Select(r => (Str(r!["id"]), Str(r["type"]))));

        (await _api.Delete($"/crm/v3/objects/deals/{deal}/associations/contacts/{contact}/3")).Expect(204);
        Assert.Empty(await Associated(_api, "deals", deal, "contacts"));
        (await _api.Put($"/crm/v3/objects/deals/{deal}/associations/contacts/{contact}/bogus", null)).Expect(400);
    }
}
