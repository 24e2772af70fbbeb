using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>The v4 batch endpoints: associate/default, create, read, archive, labels/archive.</summary>
public sealed class AssociationsBatchTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    [Fact]
    public async Task Associate_default_links_every_pair()
    {
        var contacts = new[] { await Contact(_api), await Contact(_api) };
        var company = await Company(_api);

        var reply = (await _api.Post("/crm/v4/associations/contacts/companies/batch/associate/default",
            new { inputs = contacts.Select(c => new { from = new { id = c }, to = new { id = company } }) })).Expect(200);

        Assert.Equal(4, reply["results"]!.AsArray().Count);
        Assert.Equal(contacts.Order(), (await Associated(_api, "companies", company, "contacts")).Keys.Order());
    }

    [Fact]
    public async Task Create_answers_201_and_207_for_the_inputs_that_fail()
    {
        var contact = await Contact(_api);
        var company = await Company(_api);

        var ok = (await _api.Post("/crm/v4/associations/contacts/companies/batch/create", new
        {
            inputs = new[] { new { from = new { id = contact }, to = new { id = company }, types = new[] { Spec(1) } } },
        })).Expect(201);
        Assert.Equal(new[] { "Primary" }, ok["results"]![0]!["labels"]!.AsArray().Select(Str));
        Assert.Equal(long.Parse(contact), ok["results"]![0]!["fromObjectId"]!.GetValue<long>());

        var mixed = (await _api.Post("/crm/v4/associations/contacts/companies/batch/create", new
        {
            inputs = new object[]
            {
                new { from = new { id = contact }, to = new { id = company }, types = new[] { Spec(279) } },
                new { from = new { id = "999" }, to = new { id = company }, types = new[] { Spec(279) } },
                new { from = new { id = contact }, to = new { id = company }, types = new[] { Spec(15) } },
            },
        })).Expect(207);
        Assert.Single(mixed["results"]!.AsArray());
        Assert.Equal(2, mixed["numErrors"].GetValue<int>());
    }

    [Fact]
    public async Task Read_answers_207_for_ids_without_associations()
    {
        var contact = await Contact(_api);
        var lonely = await Contact(_api);
        var company = await Company(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}", null)).Expect(200);

        var all = (await _api.Post("/crm/v4/associations/contacts/companies/batch/read", new { inputs = new[] { new { id = contact } } })).Expect(200);
        var result = all["results"]![0]!;
        Assert.Equal(contact, Str(result["from"]!["id"]));
        Assert.Equal(long.Parse(company), result["to"]![0]!["toObjectId"]!.GetValue<long>());
        Assert.Equal(279, result["to"]![0]!["associationTypes"]![0]!["typeId"]!.GetValue<int>());

        var partial = (await _api.Post("/crm/v4/associations/contacts/companies/batch/read",
            new { inputs = new[] { new { id = contact }, new { id = lonely }, new { id = "999" } } })).Expect(207);
        Assert.Single(partial["results"]!.AsArray());
        Assert.Equal(2, partial["numErrors"].GetValue<int>());
        Assert.Equal("OBJECT_NOT_FOUND", Str(partial["errors"]![0]!["category"]));
    }

    [Fact]
    public async Task Archive_removes_pairs_and_labels_archive_removes_only_the_named_labels()
    {
        var contact = await Contact(_api);
        var a = await Company(_api);
        var b = await Company(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{a}", new[] { Spec(1) })).Expect(201);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/default/companies/{b}", null)).Expect(200);

        (await _api.Post("/crm/v4/associations/contacts/companies/batch/labels/archive", new
        {
            inputs = new[] { new { from = new { id = contact }, to = new { id = a }, types = new[] { Spec(1) } } },
        })).Expect(204);
        Assert.Equal(new[] { 279 }, (await Associated(_api, "contacts", contact, "companies"))[a]);

        (await _api.Post("/crm/v4/associations/contacts/companies/batch/archive", new
        {
            inputs = new[] { new { from = new { id = contact }, to = new[] { new { id = b } } } },
        })).Expect(204);
        Assert.Equal(new[] { a }, (await Associated(_api, "contacts", contact, "companies")).Keys);

        // Removing the plain type removes the pair (docs/hubspot-api.md §3.2).
        (await _api.Post("/crm/v4/associations/contacts/companies/batch/labels/archive", new
        {
            inputs = new[] { new { from = new { id = contact }, to = new { id = a }, types = new[] { Spec(279) } } },
        })).Expect(204);
        Assert.Empty(await Associated(_api, "companies", a, "contacts"));
    }

    [Fact]
    public async Task Batch_inputs_are_limited_and_must_be_well_formed()
    {
        var inputs = Enumerable.Range(0, 101).Select(i => new { from = new { id = "1" }, to = new { id = "2" } });
        (await _api.Post("/crm/v4/associations/contacts/companies/batch/associate/default", new { inputs })).Expect(400);
        (await _api.Post("/crm/v4/associations/contacts/companies/batch/create", new { inputs = new[] { new { from = new { id = "1" } } } })).Expect(400);
    }
}
