using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Properties;

/// <summary>Property groups: list, create, read, update, archive.</summary>
public sealed class PropertyGroupsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    [Fact]
    public async Task List_holds_the_default_groups()
    {
        var reply = (await _api.Get("/crm/v3/properties/contacts/groups")).Expect(200);
        var group = reply["results"].AsArray().Single(g => Str(g!["name"]) == "contactinformation")!;
        Assert.Equal("Contact information", Str(group["label"]));
        Assert.False(group["archived"]!.GetValue<bool>());
        Assert.NotNull(group["displayOrder"]);
    }

    [Fact]
    public async Task Create_read_update_and_archive_a_group()
    {
        var name = Unique("billing");
        var created = (await _api.Post("/crm/v3/properties/companies/groups", new { name, label = "Billing", displayOrder = 4 })).Expect(201);
        Assert.Equal(name, Str(created["name"]));
        Assert.Equal("Billing", Str(created["label"]));
        Assert.Equal(4, created["displayOrder"].GetValue<int>());
        Assert.False(created["archived"].GetValue<bool>());
        Assert.EndsWith($"/crm/v3/properties/companies/groups/{name}", created.Headers["Location"]);

        (await _api.Get($"/crm/v3/properties/companies/groups/{name}")).Expect(200);
        var updated = (await _api.Patch($"/crm/v3/properties/companies/groups/{name}", new { label = "Billing details" })).Expect(200);
        Assert.Equal("Billing details", Str(updated["label"]));
        Assert.Equal(4, updated["displayOrder"].GetValue<int>());

        // A property can live in the new group; while it does, the group stays.
        var prop = Unique("iban");
        (await _api.Post("/crm/v3/properties/companies", new { name = prop, label = "IBAN", type = "string", fieldType = "text", groupName = name })).Expect(201);
        (await _api.Delete($"/crm/v3/properties/companies/groups/{name}")).Expect(400);
        (await _api.Delete($"/crm/v3/properties/companies/{prop}")).Expect(204);

        (await _api.Delete($"/crm/v3/properties/companies/groups/{name}")).Expect(204);
        var gone = (await _api.Get($"/crm/v3/properties/companies/groups/{name}")).Expect(404);
        Assert.Equal("OBJECT_NOT_FOUND", Str(gone["category"]));
        var list = (await _api.Get("/crm/v3/properties/companies/groups")).Expect(200);
        Assert.DoesNotContain(list["results"].AsArray(), g => Str(g!["name"]) == name);
    }

    [Fact]
    public async Task Create_rejects_duplicates_and_bad_input()
    {
        var name = Unique("dupgroup");
        (await _api.Post("/crm/v3/properties/deals/groups", new { name, label = "Dup" })).Expect(201);
        var dup = (await _api.Post("/crm/v3/properties/deals/groups", new { name, label = "Dup" })).Expect(409);
        Assert.Equal("CONFLICT", Str(dup["category"]));
        (await _api.Post("/crm/v3/properties/deals/groups", new { name = "Has Spaces", label = "X" })).Expect(400);
        var missing = (await _api.Post("/crm/v3/properties/deals/groups", new { name = Unique("nolabel") })).Expect(400);
        Assert.Equal("label", Str(missing["errors"][0]!["in"]));
    }

    [Fact]
    public async Task Default_groups_with_properties_cannot_be_archived()
    {
        var reply = (await _api.Delete("/crm/v3/properties/deals/groups/dealinformation")).Expect(400);
        Assert.Equal("VALIDATION_ERROR", Str(reply["category"]));
        (await _api.Get("/crm/v3/properties/deals/groups/dealinformation")).Expect(200);
        (await _api.Patch("/crm/v3/properties/deals/groups/no_such_group", new { label = "X" })).Expect(404);
    }
}
