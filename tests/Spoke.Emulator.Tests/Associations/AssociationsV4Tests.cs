using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>The v4 record endpoints: default and labelled PUT, DELETE of a pair, GET with paging, dated aliases.</summary>
public sealed class AssociationsV4Tests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    [Fact]
    public async Task Default_association_is_created_in_both_directions()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);

        var reply = (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);
        Assert.Equal("COMPLETE", Str(reply["status"]));
        var results = reply["results"]!.AsArray();
        Assert.Contains(results, r => Str(r!["from"]!["id"]) == contact && Str(r["to"]!["id"]) == company
            && r["associationSpec"]!["associationTypeId"]!.GetValue<int>() == 279 && Str(r["associationSpec"]!["associationCategory"]) == "HUBSPOT_DEFINED");
        Assert.Contains(results, r => Str(r!["from"]!["id"]) == company && r["associationSpec"]!["associationTypeId"]!.GetValue<int>() == 280);

        Assert.Equal(new[] { 279 }, (await Associated(_api, "contacts", contact, "companies"))[company]);
        Assert.Equal(new[] { 280 }, (await Associated(_api, "companies", company, "contacts"))[contact]);
    }

    [Fact]
    public async Task Path_segments_accept_singular_names_and_type_ids()
    {
        var contact = await Contact(_api);
        var deal = await Deal(_api);

        (await _api.Put($"/crm/v4/objects/contact/{contact}/associations/default/0-3/{deal}", null)).Expect(200);

        Assert.Equal(new[] { 3 }, (await Associated(_api, "deal", deal, "0-1"))[contact]);
        (await _api.Put($"/crm/v4/objects/contact/{contact}/associations/default/nonsense/{deal}", null)).Expect(400);
    }

    [Fact]
    public async Task Labelled_put_answers_201_with_labels_between_the_pair()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);

        var reply = (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", new[] { Spec(1) })).Expect(201);

        Assert.Equal("0-1", Str(reply["fromObjectTypeId"]));
        Assert.Equal(long.Parse(contact), reply["fromObjectId"].GetValue<long>());
        Assert.Equal("0-2", Str(reply["toObjectTypeId"]));
        Assert.Equal(long.Parse(company), reply["toObjectId"].GetValue<long>());
        Assert.Equal(new[] { "Primary" }, reply["labels"]!.AsArray().Select(Str));
        Assert.EndsWith($"/crm/v4/objects/contacts/{contact}/associations/companies", reply.Headers["Location"]);
        // A primary association implies the plain one, in both directions.
        Assert.Equal(new[] { 1, 279 }, (await Associated(_api, "contacts", contact, "companies"))[company]);
        Assert.Equal(new[] { 2, 280 }, (await Associated(_api, "companies", company, "contacts"))[contact]);
    }

    [Fact]
    public async Task Labelled_put_validates_type_ids_records_and_body()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);
        var path = $"/crm/v4/objects/contacts/{contact}/associations/companies/{company}";

        (await _api.Put(path, new[] { Spec(4) })).Expect(400);                       // contact → deal type
        (await _api.Put(path, new[] { Spec(279, "USER_DEFINED") })).Expect(400);     // wrong category
        (await _api.Put(path, new { associationTypeId = 279 })).Expect(400);         // not an array
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/999", new[] { Spec(279) })).Expect(404);
        (await _api.Put($"/crm/v4/objects/contacts/999/associations/companies/{company}", new[] { Spec(279) })).Expect(404);
        Assert.Empty(await Associated(_api, "contacts", contact, "companies"));
    }

    [Fact]
    public async Task Delete_removes_every_label_of_the_pair_both_ways()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", new[] { Spec(1) })).Expect(201);

        (await _api.Delete($"/crm/v4/objects/contacts/{contact}/associations/companies/{company}")).Expect(204);

        Assert.Empty(await Associated(_api, "contacts", contact, "companies"));
        Assert.Empty(await Associated(_api, "companies", company, "contacts"));
    }

    [Fact]
    public async Task Get_pages_by_to_object_id_and_omits_paging_on_the_last_page()
    {
        var company = await Company(_api);
        var contacts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var c = await Contact(_api);
            contacts.Add(c);
            (await _api.Put($"/crm/v4/objects/companies/{company}/associations/default/contacts/{c}", null)).Expect(200);
        }

        var first = (await _api.Get($"/crm/v4/objects/companies/{company}/associations/contacts?limit=2")).Expect(200);
        Assert.Equal(contacts.Take(2).Select(long.Parse), first["results"]!.AsArray().Select(r => r!["toObjectId"]!.GetValue<long>()));
        Assert.Null(first["results"]![0]!["associationTypes"]![0]!["label"]);
        var after = Str(first["paging"]!["next"]!["after"]);

        var second = (await _api.Get($"/crm/v4/objects/companies/{company}/associations/contacts?limit=2&after={after}")).Expect(200);
        Assert.Equal([long.Parse(contacts[2])], second["results"]!.AsArray().Select(r => r!["toObjectId"]!.GetValue<long>()));
        Assert.Null(second.Body!["paging"]);
        (await _api.Get($"/crm/v4/objects/companies/999/associations/contacts")).Expect(404);
    }

    [Fact]
    public async Task Dated_paths_serve_the_same_operations()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);

        (await _api.Put($"/crm/objects/2026-03/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);
        var read = (await _api.Get($"/crm/objects/2026-09/contacts/{contact}/associations/companies")).Expect(200);
        Assert.Single(read["results"]!.AsArray());
        (await _api.Post("/crm/associations/2026-09/contacts/companies/batch/read", new { inputs = new[] { new { id = contact } } })).Expect(200);
        (await _api.Get("/crm/associations/2026-03/contacts/companies/labels")).Expect(200);
        (await _api.Get("/crm/associations/2026-09/definitions/configurations/all")).Expect(200);
        (await _api.Delete($"/crm/objects/2026-09/contacts/{contact}/associations/companies/{company}")).Expect(204);
        Assert.Empty(await Associated(_api, "contacts", contact, "companies"));
    }

    [Fact]
    public async Task Scopes_read_needs_both_types_and_write_needs_the_from_type()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);
        using var contactsOnly = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.read", "crm.objects.contacts.write"));
        using var both = _api.WithToken(fixture.Emulator.CreateToken("crm.objects.contacts.write", "crm.objects.companies.read", "crm.objects.contacts.read"));

        var denied = (await contactsOnly.Get($"/crm/v4/objects/contacts/{contact}/associations/companies")).Expect(403);
        Assert.Equal("MISSING_SCOPES", Str(denied["category"]));
        (await contactsOnly.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(403);
        (await both.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);
        (await both.Put($"/crm/v4/objects/companies/{company}/associations/default/contacts/{contact}", null)).Expect(403);
    }
}
