using Spoke.Emulator.Tests.Infrastructure;
using static Spoke.Emulator.Tests.Associations.Records;

namespace Spoke.Emulator.Tests.Associations;

/// <summary>USER_DEFINED labels and per-type limit configurations.</summary>
public sealed class AssociationLabelsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    [Fact]
    public async Task Hubspot_defined_types_are_listed_with_their_labels()
    {
        var reply = (await _api.Get("/crm/v4/associations/contacts/companies/labels")).Expect(200);
        var results = reply["results"]!.AsArray();
        Assert.Contains(results, r => r!["typeId"]!.GetValue<int>() == 1 && Str(r["label"]) == "Primary" && Str(r["category"]) == "HUBSPOT_DEFINED");
        Assert.Contains(results, r => r!["typeId"]!.GetValue<int>() == 279 && r["label"] is null);
        (await _api.Get("/crm/associations/v4/companies/contacts/labels")).Expect(200);
    }

    [Fact]
    public async Task A_paired_label_gets_two_type_ids_usable_from_both_sides()
    {
        var name = $"manager_{Guid.NewGuid():N}"[..20];
        var created = (await _api.Post("/crm/v4/associations/contacts/companies/labels", new { name, label = "Manager", inverseLabel = "Managed company" })).Expect(200);
        var forward = created["results"]!.AsArray().Single(r => Str(r!["label"]) == "Manager")!;
        var backward = created["results"]!.AsArray().Single(r => Str(r!["label"]) == "Managed company")!;
        Assert.Equal("USER_DEFINED", Str(forward["category"]));
        var typeId = forward["typeId"]!.GetValue<int>();
        var inverseId = backward["typeId"]!.GetValue<int>();
        Assert.NotEqual(typeId, inverseId);
        Assert.True(typeId > 1000, "user-defined ids stay clear of HUBSPOT_DEFINED ones");

        var contact = await Contact(_api);
        var company = await Company(_api);
        var put = (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", new[] { Spec(typeId, "USER_DEFINED") })).Expect(201);
        Assert.Equal(new[] { "Manager" }, put["labels"]!.AsArray().Select(Str));
        Assert.Equal(new[] { 279, typeId }, (await Associated(_api, "contacts", contact, "companies"))[company]);
        Assert.Equal(new[] { 280, inverseId }, (await Associated(_api, "companies", company, "contacts"))[contact]);
        var back = (await _api.Get($"/crm/v4/objects/companies/{company}/associations/contacts")).Expect(200);
        Assert.Contains(back["results"]![0]!["associationTypes"]!.AsArray(), t => t!["label"]?.GetValue<string>() == "Managed company");

        (await _api.Post("/crm/v4/associations/contacts/companies/labels", new { name, label = "Again" })).Expect(409);
    }

    [Fact]
    public async Task Labels_are_renamed_and_deleted_and_deletion_removes_their_associations()
    {
        var name = $"buyer_{Guid.NewGuid():N}"[..18];
        var created = (await _api.Post("/crm/v4/associations/contacts/deals/labels", new { name, label = "Buyer" })).Expect(200);
        var typeId = created["results"]![0]!["typeId"]!.GetValue<int>();
        var contact = await Contact(_api);
        var deal = await Deal(_api);
        (await _api.Put($"/crm/v4/objects/contacts/{contact}/associations/deals/{deal}", new[] { Spec(typeId, "USER_DEFINED") })).Expect(201);

        (await _api.Put("/crm/v4/associations/contacts/deals/labels", new { associationTypeId = typeId, label = "Decision maker" })).Expect(204);
        var labels = (await _api.Get("/crm/v4/associations/contacts/deals/labels")).Expect(200);
        Assert.Contains(labels["results"]!.AsArray(), r => r!["typeId"]!.GetValue<int>() == typeId && Str(r["label"]) == "Decision maker");

        (await _api.Delete($"/crm/v4/associations/contacts/deals/labels/{typeId}")).Expect(204);
        Assert.Equal(new[] { 4 }, (await Associated(_api, "contacts", contact, "deals"))[deal]);
        (await _api.Delete($"/crm/v4/associations/contacts/deals/labels/{typeId}")).Expect(404);
        (await _api.Delete("/crm/v4/associations/contacts/deals/labels/4")).Expect(400);
        (await _api.Post("/crm/v4/associations/contacts/deals/labels", new { name = "x" })).Expect(400);
    }

    [Fact]
    public async Task Configured_limit_is_enforced_with_a_400_naming_it()
    {
        // Deals → companies 341 gets a limit of 1 (tests in this class share a portal, so use a fresh pair of types' records).
        var create = (await _api.Post("/crm/associations/v4/definitions/configurations/deals/companies/batch/create",
            new { inputs = new[] { new { category = "HUBSPOT_DEFINED", typeId = 341, maxToObjectIds = 1 } } })).Expect(201);
        Assert.Equal(1, create["results"]![0]!["userEnforcedMaxToObjectIds"]!.GetValue<int>());
        var listed = (await _api.Get("/crm/associations/v4/definitions/configurations/deals/companies")).Expect(200);
        Assert.Equal(341, listed["results"]![0]!["typeId"]!.GetValue<int>());
        Assert.Contains((await _api.Get("/crm/associations/v4/definitions/configurations/all")).Expect(200)["results"]!.AsArray(),
            r => r!["typeId"]!.GetValue<int>() == 341);

        var deal = await Deal(_api);
        (await _api.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{await Company(_api)}", null)).Expect(200);
        var refused = (await _api.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{await Company(_api)}", null)).Expect(400);
        Assert.Contains("limit is 1", Str(refused["message"]));

        (await _api.Post("/crm/v4/associations/definitions/configurations/deals/companies/batch/update",
            new { inputs = new[] { new { category = "HUBSPOT_DEFINED", typeId = 341, maxToObjectIds = 2 } } })).Expect(200);
        (await _api.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{await Company(_api)}", null)).Expect(200);

        (await _api.Post("/crm/associations/v4/definitions/configurations/deals/companies/batch/purge",
            new { inputs = new[] { new { category = "HUBSPOT_DEFINED", typeId = 341 } } })).Expect(204);
        Assert.Empty((await _api.Get("/crm/associations/v4/definitions/configurations/deals/companies")).Expect(200)["results"]!.AsArray());
        (await _api.Put($"/crm/v4/objects/deals/{deal}/associations/default/companies/{await Company(_api)}", null)).Expect(200);

        var bad = (await _api.Post("/crm/associations/v4/definitions/configurations/deals/companies/batch/create",
            new { inputs = new[] { new { category = "HUBSPOT_DEFINED", typeId = 279, maxToObjectIds = 1 } } })).Expect(207);
        Assert.Equal(1, bad["numErrors"].GetValue<int>());
    }
}
