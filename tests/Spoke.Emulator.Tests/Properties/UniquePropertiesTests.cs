using System.Text.Json.Nodes;
using Spoke.Emulator.Tests.Infrastructure;

namespace Spoke.Emulator.Tests.Properties;

/// <summary>hasUniqueValue properties: enforced on writes, usable as idProperty, limited to ten per object (docs/hubspot-api.md §13).</summary>
public sealed class UniquePropertiesTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly Api _api = fixture.Api;

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private async Task<string> CreateUniqueDealProperty()
    {
        var name = Unique("system_a_id");
        var reply = (await _api.Post("/crm/v3/properties/deals", new
        {
            name, label = "System A id", type = "string", fieldType = "text", groupName = "dealinformation", hasUniqueValue = true,
        })).Expect(201);
        Assert.True(reply["hasUniqueValue"].GetValue<bool>());
        return name;
    }

    private static Dictionary<string, string> Deal(string unique, string value) =>
        new() { ["dealname"] = "Deal " + value, ["dealstage"] = "appointmentscheduled", [unique] = value };

    [Fact]
    public async Task Unique_property_works_as_idProperty_end_to_end()
    {
        var prop = await CreateUniqueDealProperty();
        var created = (await _api.Post("/crm/v3/objects/deals", new { properties = Deal(prop, "abc-1") })).Expect(201);
        var id = Str(created["id"]);

        var byValue = (await _api.Get($"/crm/v3/objects/deals/abc-1?idProperty={prop}&properties={prop},dealname")).Expect(200);
        Assert.Equal(id, Str(byValue["id"]));
        Assert.Equal("abc-1", Str(byValue["properties"][prop]));

        var patched = (await _api.Patch($"/crm/v3/objects/deals/abc-1?idProperty={prop}", new { properties = new { amount = "100" } })).Expect(200);
        Assert.Equal(id, Str(patched["id"]));
        Assert.Equal("100", Str(patched["properties"]["amount"]));

        var read = (await _api.Post("/crm/v3/objects/deals/batch/read", new { idProperty = prop, properties = new[] { "amount" }, inputs = new[] { new { id = "abc-1" } } })).Expect(200);
        Assert.Equal(id, Str(read["results"][0]!["id"]));

        var upsert = (await _api.Post("/crm/v3/objects/deals/batch/upsert", new
        {
            inputs = new object[]
            {
                new { id = "abc-1", idProperty = prop, properties = new { amount = "200" } },
                new { id = "abc-2", idProperty = prop, properties = new { dealname = "Second", dealstage = "appointmentscheduled" } },
            },
        })).Expect(200);
        var results = upsert["results"].AsArray();
        var existing = results.Single(r => Str(r!["id"]) == id)!;
        Assert.False(existing["new"]!.GetValue<bool>());
        Assert.Equal("200", Str(existing["properties"]!["amount"]));
        var fresh = results.Single(r => Str(r!["id"]) != id)!;
        Assert.True(fresh["new"]!.GetValue<bool>());
        var second = (await _api.Get($"/crm/v3/objects/deals/abc-2?idProperty={prop}&properties={prop}")).Expect(200);
        Assert.Equal("abc-2", Str(second["properties"][prop]));
    }

    [Fact]
    public async Task Duplicate_value_is_rejected_with_400()
    {
        var prop = await CreateUniqueDealProperty();
        var first = (await _api.Post("/crm/v3/objects/deals", new { properties = Deal(prop, "dup-1") })).Expect(201);
        var again = (await _api.Post("/crm/v3/objects/deals", new { properties = Deal(prop, "dup-1") })).Expect(400);
        Assert.Equal("VALIDATION_ERROR", Str(again["category"]));
        Assert.Contains($"{Str(first["id"])} already has that value", Str(again["message"]));

        var other = (await _api.Post("/crm/v3/objects/deals", new { properties = Deal(prop, "dup-2") })).Expect(201);
        (await _api.Patch($"/crm/v3/objects/deals/{Str(other["id"])}", new { properties = new Dictionary<string, string> { [prop] = "dup-1" } })).Expect(400);
    }

    [Fact]
    public async Task Non_unique_property_is_not_an_idProperty_and_archiving_drops_uniqueness()
    {
        var plain = Unique("plain");
        (await _api.Post("/crm/v3/properties/deals", new { name = plain, label = "Plain", type = "string", fieldType = "text", groupName = "dealinformation" })).Expect(201);
        (await _api.Get($"/crm/v3/objects/deals/x?idProperty={plain}")).Expect(400);

        var prop = await CreateUniqueDealProperty();
        (await _api.Post("/crm/v3/objects/deals", new { properties = Deal(prop, "arch-1") })).Expect(201);
        (await _api.Delete($"/crm/v3/properties/deals/{prop}")).Expect(204);
        (await _api.Get($"/crm/v3/objects/deals/arch-1?idProperty={prop}")).Expect(400);
    }

    [Fact]
    public async Task Turning_on_uniqueness_checks_existing_values()
    {
        var name = Unique("external_ref");
        (await _api.Post("/crm/v3/properties/tickets", new { name, label = "Ref", type = "string", fieldType = "text", groupName = "ticketinformation" })).Expect(201);
        Dictionary<string, string> Ticket(string value) => new() { ["subject"] = "T", ["hs_pipeline_stage"] = "1", [name] = value };
        (await _api.Post("/crm/v3/objects/tickets", new { properties = Ticket("same") })).Expect(201);
        (await _api.Post("/crm/v3/objects/tickets", new { properties = Ticket("same") })).Expect(201);

        var refused = (await _api.Patch($"/crm/v3/properties/tickets/{name}", new { hasUniqueValue = true })).Expect(400);
        Assert.Equal("DUPLICATE_UNIQUE_PROPERTY_VALUE", Str(refused["errors"][0]!["code"]));
        (await _api.Get($"/crm/v3/objects/tickets/same?idProperty={name}")).Expect(400);

        var clean = Unique("clean_ref");
        (await _api.Post("/crm/v3/properties/tickets", new { name = clean, label = "Clean", type = "string", fieldType = "text", groupName = "ticketinformation" })).Expect(201);
        var ticket = (await _api.Post("/crm/v3/objects/tickets", new { properties = new Dictionary<string, string> { ["subject"] = "T", ["hs_pipeline_stage"] = "1", [clean] = "only-one" } })).Expect(201);
        var on = (await _api.Patch($"/crm/v3/properties/tickets/{clean}", new { hasUniqueValue = true })).Expect(200);
        Assert.True(on["hasUniqueValue"].GetValue<bool>());
        var found = (await _api.Get($"/crm/v3/objects/tickets/only-one?idProperty={clean}")).Expect(200);
        Assert.Equal(Str(ticket["id"]), Str(found["id"]));
        (await _api.Patch($"/crm/v3/properties/tickets/{clean}", new { hasUniqueValue = false })).Expect(400);
    }

    [Fact]
    public async Task With_the_switch_off_patch_ignores_hasUniqueValue()
    {
        var options = new HubSpotEmulatorOptions();
        options.Fidelity.PropertyPatchCanEnableUniqueValue = false;
        await using var emulator = await HubSpotEmulator.StartAsync(options);
        using var api = new Api(emulator.BaseUri, emulator.Token);
        (await api.Post("/crm/v3/properties/deals", new { name = "ref_code", label = "Ref", type = "string", fieldType = "text", groupName = "dealinformation" })).Expect(201);
        var reply = (await api.Patch("/crm/v3/properties/deals/ref_code", new { hasUniqueValue = true, label = "Reference" })).Expect(200);
        Assert.False(reply["hasUniqueValue"].GetValue<bool>());
        Assert.Equal("Reference", Str(reply["label"]));
        (await api.Get("/crm/v3/objects/deals/x?idProperty=ref_code")).Expect(400);
    }

    [Fact]
    public async Task At_most_ten_unique_properties_per_object()
    {
        for (var i = 0; i < 10; i++)
        {
            (await _api.Post("/crm/v3/properties/products", new
            {
                name = Unique($"u{i}"), label = $"U{i}", type = "string", fieldType = "text", groupName = "productinformation", hasUniqueValue = true,
            })).Expect(201);
        }

        var eleventh = (await _api.Post("/crm/v3/properties/products", new
        {
            name = Unique("u10"), label = "U10", type = "number", fieldType = "number", groupName = "productinformation", hasUniqueValue = true,
        })).Expect(400);
        Assert.Contains("up to 10 unique", Str(eleventh["message"]));
        (await _api.Post("/crm/v3/properties/products", new
        {
            name = Unique("not_unique"), label = "N", type = "string", fieldType = "text", groupName = "productinformation",
        })).Expect(201);
    }

    [Fact]
    public async Task Only_text_and_number_properties_can_be_unique()
    {
        var reply = (await _api.Post("/crm/v3/properties/deals", new
        {
            name = Unique("flag"), label = "Flag", type = "bool", fieldType = "booleancheckbox", groupName = "dealinformation", hasUniqueValue = true,
        })).Expect(400);
        Assert.Equal("INVALID_UNIQUE_PROPERTY", Str(reply["errors"][0]!["code"]));
    }
}
